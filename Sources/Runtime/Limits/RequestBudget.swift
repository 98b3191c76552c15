import GeneratedProtocol

/// Which budget a request draws from: writes (what a person would call "a message") or reads.
enum RequestBudget: String, Sendable {
    case write
    case read

    /// Methods needing `operator.write` or `operator.admin` change state; the rest only read.
    init(_ method: MethodName) {
        switch method.scope {
        case .operatorWrite?, .operatorAdmin?: self = .write
        default: self = .read
        }
    }
}
