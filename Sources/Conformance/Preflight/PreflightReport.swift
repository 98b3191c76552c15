import Foundation

/// What the preflight found before any case ran: each step's outcome, how far a client gets
/// with this gateway, and — when it cannot get far enough to test anything — the one
/// explanation the runner prints instead of timing out case after case.
public struct PreflightReport: Sendable, Equatable, Codable {
    /// A preflight step, in the order they run.
    public enum Step: String, Sendable, Codable, CaseIterable {
        /// A TCP connection to the URL's host and port.
        case tcp
        /// The WebSocket upgrade (`101 Switching Protocols`).
        case upgrade
        /// The `connect.challenge` event as the first frame (its absence alone blocks nothing).
        case challenge
        /// `connect` with the run's credentials and protocol range, answered with hello-ok.
        case connect
    }

    /// How far a client gets; a case needs a level (``ConformanceCase/requiredLevel``).
    public enum Level: String, Sendable, Codable, Comparable {
        /// No WebSocket: TCP or the upgrade failed, or the gateway never answers `connect`.
        case unreachable
        /// A WebSocket whose `connect` is answered — with an error: the handshake cases that
        /// expect a refusal can run, nothing that needs a session.
        case webSocket
        /// A completed handshake.
        case handshake

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }

        private var rank: Int {
            switch self {
            case .unreachable: 0
            case .webSocket: 1
            case .handshake: 2
            }
        }
    }

    public struct StepResult: Sendable, Equatable, Codable {
        public var step: Step
        public var ok: Bool
        /// What happened, in a sentence.
        public var detail: String
        public var durationMs: Int

        public init(step: Step, ok: Bool, detail: String, durationMs: Int) {
            self.step = step
            self.ok = ok
            self.detail = detail
            self.durationMs = durationMs
        }
    }

    public var steps: [StepResult]
    public var level: Level
    /// Why cases are blocked: one explanation with what to check; nil when every case can run.
    public var explanation: String?
    /// The start of the frame behind the explanation (a refused `connect`), when there is one.
    public var excerpt: String?
    /// The protocol version hello-ok named.
    public var negotiatedProtocol: Int?
    /// hello-ok's `server.version`, for the report.
    public var serverVersion: String?

    public init(
        steps: [StepResult], level: Level, explanation: String? = nil, excerpt: String? = nil,
        negotiatedProtocol: Int? = nil, serverVersion: String? = nil
    ) {
        self.steps = steps
        self.level = level
        self.explanation = explanation
        self.excerpt = excerpt
        self.negotiatedProtocol = negotiatedProtocol
        self.serverVersion = serverVersion
    }

    /// The first failed step, if any.
    public var failedStep: StepResult? { steps.first { !$0.ok && $0.step != .challenge } }
}
