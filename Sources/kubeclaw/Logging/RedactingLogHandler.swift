import GatewayImpl
import Logging

/// Wraps the process's log handler so that what reaches standard error is redacted as
/// `logs.tail` is (``LogRedaction``: bearer tokens, device tokens, secret-named values, URL
/// credentials). The gateway never logs secrets on purpose; this is the second line of defence.
struct RedactingLogHandler: LogHandler {
    var base: any LogHandler

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(LogRedaction.redact("\(event.message)"))"
        event.metadata = event.metadata?.mapValues { .string(LogRedaction.redact("\($0)")) }
        base.log(event: event)
    }
}
