/// `KubeclawClientProtocol.swift`: what the client was generated from — the protocol versions it
/// offers, the OpenClaw release the spec tracks, and the spec fingerprint every generated client
/// (Swift, TypeScript) shares.
enum SwiftClientConstants {
    static func render(_ spec: IRSpec) -> String {
        let versions = spec.allProtocols
        var out = CodeWriter()
        out.line(SwiftClientRenderer.header)
        out.line()
        out.line("/// What this client was generated from. `fingerprint` is the same in every generated client")
        out.line("/// (Swift, TypeScript `PROTOCOL.fingerprint`) made from the same spec revision, and changes with")
        out.line("/// any type or example.")
        out.block("public enum KubeclawClientProtocol") { out in
            out.line("/// The oldest protocol version the client offers (`connect.minProtocol`).")
            out.line("public static let min = \(versions.first ?? 0)")
            out.line("/// The newest protocol version the client offers (`connect.maxProtocol`).")
            out.line("public static let max = \(versions.last ?? 0)")
            out.line("/// Every version the spec describes, oldest first.")
            out.line("public static let versions: [Int] = [\(versions.map(String.init).joined(separator: ", "))]")
            out.line("/// The published OpenClaw release whose schema the spec tracks.")
            out.line("public static let upstream: String? = \(spec.upstream.map(SwiftIdentifier.literal) ?? "nil")")
            out.line("/// FNV-1a (64 bit) of the spec's rendered types and examples, in hex.")
            out.line("public static let fingerprint = \(SwiftIdentifier.literal(ClientFingerprint.of(spec)))")
        }
        return out.text
    }
}
