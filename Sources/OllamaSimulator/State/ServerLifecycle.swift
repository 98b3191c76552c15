/// Where a simulator is between `init` and the end of `run()`; a simulator runs once.
enum ServerLifecycle: Sendable {
    case idle
    case starting
    case listening(port: Int)
    case failed(String)
    case stopped
}
