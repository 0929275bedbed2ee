import ZavaPostgres

/// The seam to the semantic product search (`ProductSearch` over an embedder): a front end
/// reads the arguments, `AnalystService` checks them (`SearchRequest.validated()`, one rule
/// for the REPL, `zava search` and MCP), and the implementation gets a checked request. It
/// must run its SQL through `session`, so the caller's identity and limits apply.
///
/// The result should hold the product columns plus a similarity column (percent, 0-100),
/// best match first, only rows at or above the threshold, at most `maxRows`, only of the
/// category when one is given (an unknown one is an error naming the valid ones).
public protocol ProductSearching: Sendable {
    func searchProducts(session: Session, request: SearchRequest) async throws -> QueryResult
}
