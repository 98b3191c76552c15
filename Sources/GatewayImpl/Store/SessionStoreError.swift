/// Why a ``SessionStore`` call failed. The gateway maps these to wire errors in one place:
/// `labelInUse` is the client's mistake (`INVALID_REQUEST`), the others are `UNAVAILABLE`.
public enum SessionStoreError: Error, Equatable, Sendable {
    /// The store was closed; no call succeeds after ``SessionStore/close()``.
    case closed
    /// Another session already has this label.
    case labelInUse(String)
    /// The database failed or holds something unreadable. The message is safe to show to a
    /// client: it names at most the database file, never its directory.
    case unavailable(String)
}
