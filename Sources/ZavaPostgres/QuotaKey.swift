import Foundation

/// Who a request is charged to (`ConnectionPool`'s fairness).
package enum QuotaKey: Hashable, Sendable {
    case identity(UUID)
    /// Catalogue reads without an identity.
    case anonymous
    /// An MCP token (or another principal a front end names), whatever identity it runs as.
    case principal(String)
}
