/// The spec revision a generated client was made from, as one value every client carries
/// (TypeScript `PROTOCOL.fingerprint`, Swift `KubeclawClientProtocol.fingerprint`, Python
/// `PROTOCOL.fingerprint`): a hash of the spec's types and examples as the TypeScript renderer
/// writes them, so any change to a type or an example changes it, in every client alike.
enum ClientFingerprint {
    static func of(_ spec: IRSpec) -> String {
        hash(TypeScriptDeclarations.render(spec) + TypeScriptExamples.render(spec))
    }

    /// FNV-1a (64 bit) of `text`, in hex.
    static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
