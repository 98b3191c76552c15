import Foundation

/// Strict decoding of the base64 text device identities carry: base64url (`-`, `_`) or
/// standard base64 (`+`, `/`), padded or not. Anything else — whitespace, other characters,
/// an impossible length — is refused rather than skipped, so garbage never verifies.
enum Base64Text {
    static func decode(_ text: String) -> Data? {
        guard !text.isEmpty, text.utf8.count <= 4096 else { return nil }
        var body = Substring(text)
        while body.hasSuffix("=") { body = body.dropLast() }
        guard text.utf8.count - body.utf8.count <= 2 else { return nil }
        var standard = ""
        standard.reserveCapacity(body.utf8.count + 3)
        for scalar in body.unicodeScalars {
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "+", "/": standard.unicodeScalars.append(scalar)
            case "-": standard.append("+")
            case "_": standard.append("/")
            default: return nil
            }
        }
        guard standard.utf8.count % 4 != 1 else { return nil }
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard)
    }

    /// Unpadded base64url text of `data`.
    static func encodeURL(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
