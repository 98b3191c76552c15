/// Builds Markdown text: lines, tables, code blocks and GitHub-style heading anchors.
struct MarkdownDocument {
    private(set) var text = ""

    mutating func line(_ line: String = "") {
        text += line + "\n"
    }

    /// A table followed by a blank line; `|` inside cells is escaped by the caller.
    mutating func table(_ header: [String], _ rows: [[String]]) {
        line("| " + header.joined(separator: " | ") + " |")
        line("|" + header.map { _ in "---|" }.joined())
        for row in rows { line("| " + row.joined(separator: " | ") + " |") }
        line()
    }

    mutating func code(_ language: String, _ body: String) {
        line("```\(language)")
        line(body)
        line("```")
        line()
    }

    /// The anchor GitHub gives a heading: lowercased, spaces to dashes, punctuation dropped.
    static func anchor(_ heading: String) -> String {
        String(heading.lowercased().compactMap { character -> Character? in
            if character == " " { return "-" }
            if character.isLetter || character.isNumber || character == "-" || character == "_" { return character }
            return nil
        })
    }
}
