import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ZavaCore

/// Fetches the identity provider's documents (the JWKS, the OIDC discovery document): the
/// seam where tests count fetches or make the provider fail.
protocol DocumentFetching: Sendable {
    /// The body of a 200 answer to GET `url`; throws for anything else.
    func fetch(_ url: URL) async throws -> [UInt8]
}

/// GET over Foundation's URLSession: never from a cache (a refresh must see the provider's
/// current keys), bounded in time and size.
struct URLSessionDocumentFetcher: DocumentFetching {
    var timeout: Duration = .seconds(10)
    /// Key sets are a few kilobytes; anything this large is not one.
    var maximumBytes = 1 << 20

    func fetch(_ url: URL) async throws -> [UInt8] {
        var request = URLRequest(url: url)
        request.cachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        request.timeoutInterval = Double(timeout.components.seconds)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (data, response) = try await URLSession.shared.answer(to: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw KeySetError(message: "GET \(url.absoluteString) answered HTTP \(status)") }
        guard data.count <= maximumBytes else { throw KeySetError(message: "GET \(url.absoluteString) answered more than \(maximumBytes) bytes") }
        return Array(data)
    }
}
