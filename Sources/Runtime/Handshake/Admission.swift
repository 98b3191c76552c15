import GeneratedProtocol
import NIOWebSocket

/// The rules a request of a connected client passes before it runs, in order: `connect` is not
/// allowed again; the method's scope must be granted (more than `unauthorizedLimit` refusals in a
/// row close the connection, OpenClaw's flood guard); nothing new starts while draining; and the
/// budget must have room: writes draw on the client identity's budget (a reconnect keeps it),
/// reads on the connection's own (so clients behind one proxy or NAT address do not share one).
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

    /// What admission keeps per connection.
    struct ConnectionState: Sendable {
        /// Missing-scope refusals in a row (reset by any request that has its scope).
        var unauthorizedStreak = 0
        /// The connection's read budget (nil: reads are not limited).
        var reads: TokenBucket?
    }

    let writeLimiter: KeyedRateLimiter?
    let writeLimit: RuntimeConfiguration.RateLimit
    let readLimit: RuntimeConfiguration.RateLimit

    init(writeLimit: RuntimeConfiguration.RateLimit, readLimit: RuntimeConfiguration.RateLimit) {
        writeLimiter = writeLimit.isEnabled ? KeyedRateLimiter(limit: writeLimit) : nil
        self.writeLimit = writeLimit
        self.readLimit = readLimit
    }

    /// A new connection's state: a full read budget.
    func connectionState(now: ContinuousClock.Instant = .now) -> ConnectionState {
        ConnectionState(reads: readLimit.isEnabled ? TokenBucket(limit: readLimit, now: now) : nil)
    }

    /// Judges `request` of a connection whose admission state is `connection`.
    func decide(_ request: IncomingRequest, info: ConnectionInfo, draining: Bool, connection: inout ConnectionState) -> Decision {
        if request.method == .connect {
            return .refuse(.connectAgain, .connectAgain, close: nil)
        }
        if let scope = request.method.scope, !info.allows(scope) {
            connection.unauthorizedStreak += 1
            let close: WebSocketErrorCode? = connection.unauthorizedStreak > Self.unauthorizedLimit ? .policyViolation : nil
            return .refuse(.missingScope(scope), .missingScope(scope), close: close)
        }
        connection.unauthorizedStreak = 0
        if draining {
            return .refuse(.draining, .draining, close: nil)
        }
        let budget = RequestBudget(request.method)
        let decision: RateLimitDecision? = switch budget {
        case .write: writeLimiter?.consume(info.rateLimitKey)
        case .read: connection.reads?.take(at: .now)
        }
        if case .limited(let retryAfterMs)? = decision {
            let limit = budget == .write ? writeLimit : readLimit
            let seconds = Int(limit.window.components.seconds)
            return .refuse(.rateLimited(budget), .rateLimited(
                request.method, messages: limit.messages, windowSeconds: seconds, retryAfterMs: retryAfterMs), close: nil)
        }
        return .run
    }
}
