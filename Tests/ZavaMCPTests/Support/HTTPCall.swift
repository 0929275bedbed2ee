import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request from Swift, for tests that interleave calls with changes on the server's
/// side (a key rotated between two calls) where starting a Python client per call would cost
/// a second each.
enum HTTPCall {
    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: String
    }

    static func send(_ url: String, method: String = "POST", headers: [String: String] = [:], json: [String: Any]? = nil) async throws -> Answer {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        request.timeoutInterval = 30
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response): (Data, URLResponse) = try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let data, let response { continuation.resume(returning: (data, response)) }
                else { continuation.resume(throwing: error ?? URLError(.badServerResponse)) }
            }.resume()
        }
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return Answer(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
    }

    /// `tools/call` of `tool` as a stateless 2025 request (the server must run `--stateless`).
    static func call(_ url: String, _ tool: String, arguments: [String: Any]? = nil, headers: [String: String]) async throws -> Answer {
        var params: [String: Any] = ["name": tool]
        if let arguments { params["arguments"] = arguments }
        return try await send(url, headers: headers.merging(["MCP-Protocol-Version": "2025-06-18"]) { $1 },
                              json: ["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params])
    }
}
