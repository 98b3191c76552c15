import ArgumentParser
import Foundation
import Logging

/// How log lines are written: readable text for a terminal, one JSON object per line for
/// log collectors.
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text
    case json

    /// Installs the process-wide log handler (every line redacted by ``RedactingLogHandler``).
    static func bootstrap(_ format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = switch format {
            case .text: StreamLogHandler.standardError(label: label)
            case .json: JSONLogHandler(label: label)
            }
            handler.logLevel = level
            // Redacted as `logs.tail` is: URL credentials, tokens, secret-named values.
            return RedactingLogHandler(base: handler)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
