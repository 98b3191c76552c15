import Foundation

/// The JSON text the stores keep in text columns (session settings, message content and usage,
/// token scopes), the same in SQLite and PostgreSQL. A value that no longer decodes is reported
/// as unavailable data, never trapped on.
public enum StoredJSON {
    public static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        // Sorted keys make equal values store equal text, which keeps the data diffable.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes `text`; `what` names the column and row for the error message.
    public static func value<T: Decodable>(_ type: T.Type, from text: String, what: @autoclosure () -> String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw SessionStoreError.unavailable("unreadable JSON in \(what())")
        }
    }
}
