/// Spelling JSON names and text as Python source.
enum PythonIdentifier {
    /// Python's keywords: never an identifier.
    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    /// Keywords, soft keywords and names of the client's own members a method must not take.
    static let reserved: Set<String> = keywords.union(["match", "case", "type", "request", "start", "close", "on", "events", "wait_for", "hello", "protocol", "state", "options"])

    /// Whether `name` can be written as a bare identifier (a `TypedDict` class member).
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        let valid = name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
        }
        return valid && !keywords.contains(name)
    }

    /// snake_case method name (`chat.send` → `chat_send`, `models.authStatus` → `models_auth_status`,
    /// `system-presence` → `system_presence`).
    static func method(_ name: String) -> String {
        let result = constant(name).lowercased()
        return reserved.contains(result) ? result + "_" : result
    }

    /// UPPER_SNAKE_CASE constant name (`connect.challenge` → `CONNECT_CHALLENGE`).
    static func constant(_ name: String) -> String {
        TypeScriptIdentifier.constant(name)
    }

    /// A double-quoted string literal: JSON's quoting, which is valid Python for every string
    /// JSON can hold (`\uXXXX` escapes mean the same in both).
    static func literal(_ text: String) -> String {
        JSONTree.quote(text)
    }

    /// The lines of a `"""…"""` docstring (unindented), or none for no text. Backslashes and
    /// triple quotes inside the text are escaped.
    static func docstring(_ paragraphs: [String]) -> [String] {
        let text = paragraphs.filter { !$0.isEmpty }.map(escapeDocText)
        guard !text.isEmpty else { return [] }
        if text.count == 1, !text[0].contains("\n"), text[0].count <= 100 {
            let line = text[0].hasSuffix("\"") ? String(text[0].dropLast()) + "\\\"" : text[0]
            return ["\"\"\"" + line + "\"\"\""]
        }
        var lines: [String] = []
        for (index, paragraph) in text.enumerated() {
            if index > 0 { lines.append("") }
            lines.append(contentsOf: paragraph.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
        lines[0] = "\"\"\"" + lines[0]
        lines.append("\"\"\"")
        return lines
    }

    /// The lines of `#` comments for text (an empty paragraph list gives none).
    static func comment(_ paragraphs: [String]) -> [String] {
        paragraphs.filter { !$0.isEmpty }.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false) }
            .map { $0.isEmpty ? "#" : "# " + $0 }
    }

    private static func escapeDocText(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"\"\"", with: "\\\"\\\"\\\"")
    }
}
