import ZavaCore
import ZavaPostgres

/// The seam to the semantic product search (ZavaCore's `ProductSearch`): the MCP tool reads
/// the arguments, `SearchRequest.validated()` checks them (the same rule as the REPL's and
/// `zava search`'s), and the implementation gets a checked request. It must run its SQL
/// through `session`, so the caller's identity and limits apply.
///
/// The result should hold the product columns plus a similarity column (percent, 0-100),
/// best match first, only rows at or above the threshold, at most `maxRows`, only of the
/// category when one is given (an unknown one is an error naming the valid ones).
public protocol ProductSearching: Sendable {
    func searchProducts(session: Session, request: SearchRequest) async throws -> QueryResult
}
