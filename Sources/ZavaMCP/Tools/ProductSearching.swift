import ZavaCore
import ZavaPostgres

/// The seam to the semantic product search (written elsewhere in ZavaCore): the MCP tool only
/// validates arguments and renders the result. The implementation must run its SQL through
/// `session`, so the caller's identity and limits apply.
///
/// The result should hold the product columns plus a similarity column (percent, 0-100),
/// best match first, only rows at or above `similarityThreshold`, at most `maxRows`, only of
/// `category` when one is given (an unknown one is an error naming the valid ones).
public protocol ProductSearching: Sendable {
    func searchProducts(session: Session, query: String, maxRows: Int, similarityThreshold: Double,
                        category: String?) async throws -> QueryResult
}
