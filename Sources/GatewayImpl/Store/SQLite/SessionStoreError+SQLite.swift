import Foundation
import GRDB

extension SessionStoreError {
    /// The error a store call reports for `error`, thrown while using the database at `path`.
    ///
    /// Store errors and cancellation pass through unchanged. Everything else becomes
    /// `unavailable`, with the SQLite message stripped of the file's directory: clients see the
    /// message, and the directory layout of the host is none of their business.
    static func translating(_ error: any Error, path: String) -> any Error {
        switch error {
        case let error as SessionStoreError:
            return error
        case is CancellationError:
            return error
        case let error as DatabaseError:
            let fileName = URL(fileURLWithPath: path).lastPathComponent
            let message = (error.message ?? "SQLite error").replacingOccurrences(of: path, with: fileName)
            return SessionStoreError.unavailable(
                "\(fileName): \(message) (SQLite \(error.extendedResultCode.rawValue))")
        default:
            let fileName = URL(fileURLWithPath: path).lastPathComponent
            return SessionStoreError.unavailable("\(fileName): \(String(describing: type(of: error)))")
        }
    }
}
