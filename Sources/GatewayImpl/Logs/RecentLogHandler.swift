import Foundation
import Logging

/// A log handler that keeps a copy of each record in a ``RecentLogLines`` (`logs.tail`), one
/// line per record: `<ISO time> <level> <label>: <message> <metadata>`.
public struct RecentLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let label: String
    let lines: RecentLogLines

    public init(label: String, lines: RecentLogLines, logLevel: Logger.Level = .info) {
        self.label = label
        self.lines = lines
        self.logLevel = logLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
        lines.append("\(time) \(event.level.rawValue) \(label): \(event.message)" + (fields.isEmpty ? "" : " " + fields))
    }

    /// `logger` with every record also copied into `lines`, at `logger`'s level.
    public static func teeing(_ logger: Logger, into lines: RecentLogLines) -> Logger {
        let base = logger.handler
        return Logger(label: logger.label) { label in
            MultiplexLogHandler([base, RecentLogHandler(label: label, lines: lines, logLevel: base.logLevel)])
        }
    }
}
