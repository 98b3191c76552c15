import GatewayImpl
import PostgresNIO

extension SessionStoreError {
    /// The error a store call reports for `error`, thrown while using the shared database.
    ///
    /// Store errors and cancellation pass through unchanged. A server error keeps PostgreSQL's
    /// message and SQLSTATE (never a query's values: those are in its detail, which is dropped);
    /// a connection that cannot be made or was lost is "unreachable"; a call past its deadline
    /// says how long it waited. The URL and its password never appear.
    static func translatingPostgres(_ error: any Error) -> any Error {
        switch error {
        case let error as SessionStoreError:
            return error
        case is CancellationError:
            return error
        case let error as CallDeadline.Expired:
            return SessionStoreError.unavailable("the database did not answer within \(error.timeout)")
        case let error as PSQLError:
            switch error.code {
            case .server:
                let message = error.serverInfo?[.message] ?? "server error"
                let state = error.serverInfo?[.sqlState] ?? "?"
                return SessionStoreError.unavailable("database: \(message) (SQLSTATE \(state))")
            case .poolClosed:
                return SessionStoreError.closed
            case .queryCancelled:
                return CancellationError()
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .sslUnsupported,
                 .failedToAddSSLHandler:
                return SessionStoreError.unavailable("database unreachable (\(error.code))")
            default:
                return SessionStoreError.unavailable("database: \(error.code)")
            }
        case let error as PostgresDecodingError:
            return SessionStoreError.unavailable("database: unreadable column \(error.columnName) (\(error.code))")
        case let error where String(describing: type(of: error)) == "ConnectionPoolError":
            // The pool's own errors (its module is not public API): after failing to connect for
            // a while it answers at once with one of these instead of waiting.
            return SessionStoreError.unavailable("database unreachable (connection pool: \(error))")
        default:
            return SessionStoreError.unavailable("database: \(String(describing: type(of: error)))")
        }
    }

    /// The SQLSTATE of a server error, for the callers that handle one (a unique violation).
    static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
