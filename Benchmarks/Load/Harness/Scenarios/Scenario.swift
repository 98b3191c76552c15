import ArgumentParser

/// The measurements the harness knows.
enum Scenario: String, CaseIterable, ExpressibleByArgument, Sendable {
    case startup, rpc, handshake, idle, stream, fanout, soak

    /// What `all` runs, in this order (soak last: it is long).
    static let all: [Scenario] = [.startup, .rpc, .handshake, .idle, .stream, .fanout, .soak]

    /// Needs the harness to start the gateway (not possible with `--url`).
    var needsOwnGateway: Bool { self == .startup }
}
