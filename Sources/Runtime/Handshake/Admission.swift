import GeneratedProtocol
import NIOWebSocket

/// The rules a request of a connected client passes before it runs, in order: `connect` is not
/// allowed again; the method's scope must be granted (more than `unauthorizedLimit` refusals in a
/// row close the connection, OpenClaw's flood guard); nothing new starts while draining; and the
/// write or read budget of the client identity must have room.
struct Admission: Sendable {
    /// Why a request was refused, for metrics and logs.
    enum Refusal: Sendable, Equatable {
        case connectAgain
        case missingScope(Scope)
        case draining
        case rateLimited(RequestBudget)
    }

    enum Decision: Sendable {
        case run
        case refuse(Refusal, GatewayError, close: WebSocketErrorCode?)
    }

    /// More than this many missing-scope answers in a row close the connection.
    static let unauthorizedLimit = 10

    let writeLimiter: KeyedRateLimiter?
    let readLimiter: KeyedRateLimiter?
    let writeLimit: RuntimeConfiguration.RateLimit
    let readLimit: RuntimeConfiguration.RateLimit

    /// Judges `request`; `unauthorizedStreak` is the connection's count of missing-scope
    /// refusals in a row (reset by any request that has its scope).
    func decide(_ request: IncomingRequest, info: ConnectionInfo, draining: Bool, unauthorizedStreak: inout Int) -> Decision {
        if request.method == .connect {
            return .refuse(.connectAgain, .connectAgain, close: nil)
        }
        if let scope = request.method.scope, !info.allows(scope) {
            unauthorizedStreak += 1
            return .refuse(.missingScope(scope), .missingScope(scope), close: unauthorizedStreak > Self.unauthorizedLimit ? .policyViolation : nil)
        }
        unauthorizedStreak = 0
        if draining {
            return .refuse(.draining, .draining, close: nil)
        }
        let budget = RequestBudget(request.method)
        let limiter = budget == .write ? writeLimiter : readLimiter
        if case .limited(let retryAfterMs)? = limiter?.consume(info.rateLimitKey) {
            let limit = budget == .write ? writeLimit : readLimit
            let seconds = Int(limit.window.components.seconds)
            return .refuse(.rateLimited(budget), .rateLimited(
                request.method, messages: limit.messages, windowSeconds: seconds, retryAfterMs: retryAfterMs), close: nil)
        }
        return .run
    }
}
