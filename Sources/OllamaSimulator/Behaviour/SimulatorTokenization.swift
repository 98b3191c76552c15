import Foundation

/// How a reply is cut into the pieces that are streamed one per NDJSON line. Every scheme
/// is deterministic, and the pieces always concatenate back to the reply.
public enum SimulatorTokenization: String, Sendable, Hashable, CaseIterable {
    /// Each word with the whitespace after it: `"Hello big world"` → `["Hello ", "big ", "world"]`.
    case words
    /// One Unicode character per piece.
    case characters
    /// The whole reply in one piece.
    case whole

    /// The reply cut into streamed pieces.
    public func tokens(of text: String) -> [String] {
        switch self {
        case .whole:
            return text.isEmpty ? [] : [text]
        case .characters:
            return text.map { String($0) }
        case .words:
            var tokens: [String] = []
            var current = ""
            var inTrailingSpace = false
            for character in text {
                if character.isWhitespace {
                    current.append(character)
                    inTrailingSpace = true
                } else {
                    if inTrailingSpace, !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                        tokens.append(current)
                        current = ""
                    }
                    inTrailingSpace = false
                    current.append(character)
                }
            }
            if !current.isEmpty { tokens.append(current) }
            return tokens
        }
    }
}
