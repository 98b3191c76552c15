import Foundation
import AsyncHTTPClient
import NIOCore

/// What the backends share about HTTP failures: describing a connection that could not be made
/// (never with credentials), and the error a caller sees when a call ends.
enum HTTPFailure {
    /// A connection failure in words, naming `target` (`host:port`) and, for a refusal, `hint`.
    static func describeConnection(_ error: any Error, target: String, hint: String) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connecting to \(target) timed out"
            case .deadlineExceeded: return "\(target) did not answer in time"
            case .remoteConnectionClosed: return "\(target) closed the connection"
            default: break
            }
        }
        let description = String(describing: error).lowercased()
        if description.contains("refused") {
            return "connection to \(target) refused (\(hint))"
        }
        if description.contains("resolve") || description.contains("dns") || description.contains("lookup") {
            return "the host of \(target) could not be resolved"
        }
        if description.contains("ssl") || description.contains("tls") || description.contains("certificate") {
            return "the TLS handshake with \(target) failed"
        }
        return "could not connect to \(target)"
    }

    /// Whatever ended a call, as the caller should see it: `CancellationError` when the caller
    /// was cancelled (whatever the HTTP layer threw meanwhile), else the backend error.
    static func callerFacing(_ error: any Error) -> any Error {
        if Task.isCancelled || error is CancellationError { return CancellationError() }
        if let error = error as? ModelBackendError { return error }
        return ModelBackendError.streamEndedEarly
    }

    /// The first line of a non-JSON error body, short enough for a message.
    static func excerpt(_ text: String?) -> String? {
        guard let text else { return nil }
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = firstLine.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        return trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let components = duration.components
        return .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
