import Foundation

/// The 2026-07-28 transport's standard headers, checked against the body before anything
/// runs: `MCP-Protocol-Version` on every request equal to `_meta`'s version, `Mcp-Method` equal
/// to the method, `Mcp-Name` equal to the tool's or prompt's name. Values are compared exactly
/// (after trimming the optional white space around them, and decoding `=?base64?...?=`).
enum ModernHeaders {
    static let metaVersion = "io.modelcontextprotocol/protocolVersion"
    static let metaCapabilities = "io.modelcontextprotocol/clientCapabilities"

    /// The revision a modern request asks for, or the error that refuses it, in the order the
    /// specification's checks go: header present, `_meta` complete, header and `_meta` agree,
    /// `Mcp-Method`/`Mcp-Name` agree, the version is served here.
    static func check(_ request: RPCRequest, headers: [String: String]) -> Result<ProtocolRevision, RPCError> {
        guard let header = value(headers["mcp-protocol-version"]) else {
            return .failure(.headerMismatch("Header mismatch: the MCP-Protocol-Version header is required"))
        }
        guard let meta = request.meta, case .string(let version)? = meta[metaVersion], case .object? = meta[metaCapabilities] else {
            return .failure(RPCError(code: -32602, message: "Invalid params: _meta must carry \(metaVersion) and \(metaCapabilities)",
                                     status: 400))
        }
        guard header == version else {
            return .failure(.headerMismatch("Header mismatch: MCP-Protocol-Version header value '\(header.prefix(64))' does not match body value '\(version.prefix(64))'"))
        }
        guard let method = value(headers["mcp-method"]) else {
            return .failure(.headerMismatch("Header mismatch: the Mcp-Method header is required"))
        }
        guard method == request.method else {
            return .failure(.headerMismatch("Header mismatch: Mcp-Method header value '\(method.prefix(64))' does not match body value '\(request.method.prefix(64))'"))
        }
        if ["tools/call", "prompts/get"].contains(request.method), case .string(let name)? = request.params["name"] {
            guard let header = value(headers["mcp-name"]).map(decoded) else {
                return .failure(.headerMismatch("Header mismatch: the Mcp-Name header is required for \(request.method)"))
            }
            guard header == name else {
                return .failure(.headerMismatch("Header mismatch: Mcp-Name header value '\(header.prefix(64))' does not match body value '\(name.prefix(64))'"))
            }
        }
        guard let revision = ProtocolRevision(rawValue: version), revision.isModern else {
            return .failure(.unsupportedVersion(version))
        }
        return .success(revision)
    }

    /// Whether a request asks for a modern revision: `_meta` names a version, or the header
    /// names one that is not a legacy revision.
    static func isModern(_ request: RPCRequest, headers: [String: String]) -> Bool {
        if request.meta?[metaVersion] != nil { return true }
        guard let header = value(headers["mcp-protocol-version"]) else { return false }
        return !ProtocolRevision.legacy.contains { $0.rawValue == header }
    }

    /// The header's value without the optional white space around it; most values have none,
    /// and are returned as they are (Foundation's trimming costs more than the rest of the checks).
    private static func value(_ raw: String?) -> String? {
        guard let raw, let first = raw.utf8.first, let last = raw.utf8.last else { return raw }
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        return blank(first) || blank(last) ? raw.trimmingCharacters(in: .whitespaces) : raw
    }

    /// `=?base64?<text>?=` (the client's encoding for names that are not plain header text).
    private static func decoded(_ value: String) -> String {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11,
              let data = Data(base64Encoded: String(value.dropFirst(9).dropLast(2))),
              let text = String(data: data, encoding: .utf8) else { return value }
        return text
    }
}
