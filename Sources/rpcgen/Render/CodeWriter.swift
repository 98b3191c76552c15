/// Accumulates indented lines of generated text.
struct CodeWriter {
    private(set) var text = ""
    private var level = 0
    let indentUnit: String

    init(indentUnit: String = "    ") {
        self.indentUnit = indentUnit
    }

    /// Writes one line at the current indentation; an empty string writes a blank line.
    mutating func line(_ line: String = "") {
        if line.isEmpty {
            text += "\n"
        } else {
            text += String(repeating: indentUnit, count: level) + line + "\n"
        }
    }

    /// Writes several lines (split on newlines) at the current indentation.
    mutating func lines(_ block: String) {
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) { self.line(String(line)) }
    }

    /// Writes `opening {`, the body one level deeper, then `}`.
    mutating func block(_ opening: String, closing: String = "}", _ body: (inout CodeWriter) -> Void) {
        line(opening + " {")
        level += 1
        body(&self)
        level -= 1
        line(closing)
    }

    mutating func indented(_ body: (inout CodeWriter) -> Void) {
        level += 1
        body(&self)
        level -= 1
    }
}
