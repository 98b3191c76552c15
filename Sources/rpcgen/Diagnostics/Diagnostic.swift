/// A problem found in a spec, located by file and JSON pointer.
///
/// Rendered as `<file>: error: <message> at <pointer> (<hint>)` so that editors and CI logs
/// show where to look and what to do.
struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    enum Severity: String, Sendable {
        case error
        case warning
    }

    var severity: Severity
    var file: String
    var pointer: JSONPointer
    var message: String
    var hint: String?

    static func error(_ message: String, at pointer: JSONPointer, file: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(severity: .error, file: file, pointer: pointer, message: message, hint: hint)
    }

    var description: String {
        var text = "\(file): \(severity.rawValue): \(message) at \(pointer.isRoot ? "/" : pointer.description)"
        if let hint { text += " (\(hint))" }
        return text
    }
}

/// Every error a run produced: a spec is reported whole rather than one error at a time.
struct DiagnosticsError: Error, CustomStringConvertible {
    var diagnostics: [Diagnostic]

    var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
