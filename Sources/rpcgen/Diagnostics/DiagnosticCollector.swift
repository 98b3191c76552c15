/// Collects recoverable problems so a stage can report all of them at once.
struct DiagnosticCollector {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    mutating func error(_ message: String, at pointer: JSONPointer, hint: String? = nil) {
        diagnostics.append(.error(message, at: pointer, file: file, hint: hint))
    }

    var hasErrors: Bool {
        diagnostics.contains { $0.severity == .error }
    }

    /// Throws when any error was collected; a stage calls this before handing its output on.
    func throwIfErrors() throws {
        if hasErrors { throw DiagnosticsError(diagnostics: diagnostics) }
    }
}
