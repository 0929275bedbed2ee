import Foundation
import JWTKit

/// A JWKS document (RFC 7517) read leniently: every key zava can use becomes a `SigningKey`
/// (RSA as RS256, EC P-256 as ES256, pinned by the key's `alg` when it has one); keys for
/// encryption, other algorithms or without a `kid` are skipped and reported, so one exotic key
/// in a provider's set does not take the others down with it.
enum KeySetDocument {
    struct Parsed: Sendable {
        var keys: [SigningKey]
        /// Why keys were skipped, for the log.
        var skipped: [String]
    }

    static let acceptedAlgorithms: Set<String> = ["RS256", "ES256"]

    static func parse(_ bytes: [UInt8]) async throws -> Parsed {
        guard let document = JSONReader.read(bytes)?.object, case .array(let entries)? = document["keys"] else {
            throw KeySetError(message: "the key set is not a JWKS document (a JSON object with a keys array)")
        }
        var parsed = Parsed(keys: [], skipped: [])
        for entry in entries {
            guard let key = entry.object else {
                parsed.skipped.append("an entry that is not an object")
                continue
            }
            do {
                parsed.keys.append(try await signingKey(key))
            } catch let error as KeySetError {
                parsed.skipped.append(error.message)
            } catch {
                parsed.skipped.append("key \(key["kid"]?.string ?? "?"): \(error)")
            }
        }
        return parsed
    }

    private static func signingKey(_ key: [String: JSON]) async throws -> SigningKey {
        let kid = key["kid"]?.string ?? ""
        func skip(_ why: String) -> KeySetError { KeySetError(message: "key \(kid.isEmpty ? "without kid" : kid): \(why)") }
        guard !kid.isEmpty else { throw skip("no kid, so no token can name it") }
        if let use = key["use"]?.string, use != "sig" { throw skip("use \(use), not sig") }
        if key["d"] != nil { throw skip("it holds a private key; a published key set must not") }
        let type = key["kty"]?.string ?? ""
        let algorithm = key["alg"]?.string ?? (type == "RSA" ? "RS256" : type == "EC" ? "ES256" : "")
        guard acceptedAlgorithms.contains(algorithm) else { throw skip("algorithm \(algorithm.isEmpty ? type : algorithm) is not RS256 or ES256") }
        let collection = JWTKeyCollection()
        switch (algorithm, type) {
        case ("RS256", "RSA"):
            guard let modulus = key["n"]?.string, let exponent = key["e"]?.string else { throw skip("RSA key without n and e") }
            // swift-crypto refuses moduli under 2048 bits.
            await collection.add(rsa: try Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent), digestAlgorithm: .sha256,
                                 kid: JWKIdentifier(string: kid))
            return SigningKey(id: kid, algorithm: algorithm, material: "RSA \(modulus) \(exponent)", verifier: collection)
        case ("ES256", "EC"):
            guard key["crv"]?.string == "P-256" else { throw skip("ES256 needs curve P-256") }
            guard let x = key["x"]?.string, let y = key["y"]?.string else { throw skip("EC key without x and y") }
            await collection.add(ecdsa: try ES256PublicKey(parameters: (x: x, y: y)), kid: JWKIdentifier(string: kid))
            return SigningKey(id: kid, algorithm: algorithm, material: "EC P-256 \(x) \(y)", verifier: collection)
        default:
            throw skip("algorithm \(algorithm) does not fit key type \(type)")
        }
    }
}

struct KeySetError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}
