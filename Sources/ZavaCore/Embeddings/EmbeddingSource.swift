/// What a product's description vector is computed from, and the hash that says whether a
/// stored vector still matches it: one rule for the indexer that writes vectors and the doctor
/// that finds stale ones.
package enum EmbeddingSource {
    /// The text a product's vector is computed from (`p` is retail.products).
    package static let textSQL = "coalesce(p.product_name, '') || '. ' || p.product_description"

    /// What `source_hash` stores: a vector is stale when its product's text or the model changed.
    package static func hash(model: String, text: String) -> String { Checksum.fnv1a(model + "\u{0}" + text) }
}

package enum Checksum {
    /// FNV-1a, 64 bits: enough to notice that a file changed.
    package static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
