import GRDB

/// How every connection of the pool is opened: the settings that are per connection in SQLite,
/// and the SQL functions the store's queries call.
enum SQLiteConnectionSetup {
    /// How long a statement waits for a lock held by another connection (a checkpoint, another
    /// process holding the file) before it fails with `SQLITE_BUSY`.
    static let busyTimeout: Double = 5

    /// Name of the SQL function `kc_contains_ci(haystack, needle)`: 1 when `haystack` contains
    /// `needle` ignoring case, else 0 (0 for NULL). SQLite's own `LIKE` and `lower()` fold ASCII
    /// only and treat `%`/`_` in the needle as wildcards; session search must do neither.
    static let containsIgnoringCaseName = "kc_contains_ci"

    static func configuration(label: String) -> Configuration {
        var configuration = Configuration()
        configuration.label = label
        configuration.foreignKeysEnabled = true
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            db.add(function: containsIgnoringCase)
        }
        return configuration
    }

    private static let containsIgnoringCase = DatabaseFunction(
        containsIgnoringCaseName, argumentCount: 2, pure: true
    ) { arguments in
        guard let haystack = String.fromDatabaseValue(arguments[0]),
              let needle = String.fromDatabaseValue(arguments[1])
        else { return false }
        return haystack.lowercased().contains(needle.lowercased())
    }
}
