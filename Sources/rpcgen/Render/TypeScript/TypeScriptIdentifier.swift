/// Spelling JSON names and text as TypeScript / JavaScript source.
enum TypeScriptIdentifier {
    static let reserved: Set<String> = [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
        "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof",
        "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
        "while", "with", "yield", "let", "static", "implements", "interface", "package", "private", "protected",
        "public", "await",
    ]

    /// Whether `name` can be written unquoted as a property name.
    static func isPlainPropertyName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first,
              first == "_" || first == "$" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "$" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
        }
    }

    /// A property key: bare when possible, else a string literal.
    static func propertyKey(_ name: String) -> String {
        isPlainPropertyName(name) ? name : literal(name)
    }

    /// lowerCamelCase method name (`chat.send` → `chatSend`, `system-presence` → `systemPresence`).
    static func method(_ name: String) -> String {
        let words = name.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        guard !words.isEmpty else { return "_" }
        var result = words[0].prefix(1).lowercased() + words[0].dropFirst()
        for word in words.dropFirst() { result += word.prefix(1).uppercased() + word.dropFirst() }
        if result.first?.isNumber == true { result = "_" + result }
        return reserved.contains(result) ? result + "_" : result
    }

    /// UPPER_SNAKE_CASE constant name (`connect.challenge` → `CONNECT_CHALLENGE`, `sessionsChanged` → `SESSIONS_CHANGED`).
    static func constant(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            if character.isLetter || character.isNumber {
                if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { result += "_" }
                result += character.uppercased()
            } else if !result.isEmpty, !result.hasSuffix("_") {
                result += "_"
            }
            previous = character
        }
        if result.hasSuffix("_") { result.removeLast() }
        if result.first?.isNumber == true { result = "_" + result }
        return result.isEmpty ? "_" : result
    }

    /// A double-quoted string literal (valid JavaScript, TypeScript and JSON): JSON's quoting.
    static func literal(_ text: String) -> String {
        JSONTree.quote(text)
    }

    /// The lines of a `/** … */` comment, or none for no text. `*/` inside the text is broken up.
    static func docComment(_ paragraphs: [String]) -> [String] {
        let text = paragraphs.filter { !$0.isEmpty }
        guard !text.isEmpty else { return [] }
        if text.count == 1, !text[0].contains("\n"), text[0].count <= 100 {
            return ["/** " + text[0].replacingOccurrences(of: "*/", with: "*\\/") + " */"]
        }
        var lines = ["/**"]
        for (index, paragraph) in text.enumerated() {
            if index > 0 { lines.append(" *") }
            for line in paragraph.replacingOccurrences(of: "*/", with: "*\\/").split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(line.isEmpty ? " *" : " * " + line)
            }
        }
        lines.append(" */")
        return lines
    }
}
