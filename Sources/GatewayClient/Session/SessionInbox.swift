import Foundation
import GeneratedProtocol
import NIOCore
import Locking

/// Everything a session does with what the server sends: decodes each message, hands responses
/// to their waiting requests, publishes events and frames in arrival order, keeps violations.
///
/// Separate from ``GatewaySession`` so the reader task never retains the session: dropping the
/// last reference to a session drops its connection, which ends the reader.
final class SessionInbox: Sendable {
    let replies = ReplyTable<ReplyKey, ReceivedFrame>()
    let events: AsyncStream<ReceivedEvent>
    let frames: AsyncStream<ReceivedFrame>
    private let eventSink: AsyncStream<ReceivedEvent>.Continuation
    private let frameSink: AsyncStream<ReceivedFrame>.Continuation
    private let violationLimit: Int

    private struct State {
        var nextIndex = 0
        var violations: [ReceivedFrame] = []
        var violationCount = 0
    }

    private let state = Locked(State())

    init(configuration: GatewaySessionConfiguration) {
        (events, eventSink) = AsyncStream.makeStream(
            of: ReceivedEvent.self,
            bufferingPolicy: configuration.eventBufferLimit.map { .bufferingNewest(max($0, 0)) } ?? .unbounded
        )
        (frames, frameSink) = AsyncStream.makeStream(
            of: ReceivedFrame.self,
            bufferingPolicy: configuration.frameBufferLimit.map { .bufferingNewest(max($0, 0)) } ?? .unbounded
        )
        violationLimit = max(configuration.protocolViolationLimit, 0)
    }

    /// The violations kept so far (at most the configured limit).
    var violations: [ReceivedFrame] { state.withLock { $0.violations } }

    /// All violations seen, including those beyond the limit.
    var violationCount: Int { state.withLock { $0.violationCount } }

    /// Takes messages off the connection until it ends, then fails whatever still waits.
    /// The loop is bounded by the connection: its end (close, drop, or the close timeout of
    /// ``WebSocketConnection/close(code:reason:)``) ends it.
    func readAll(from reader: WebSocketReader, on eventLoop: any EventLoop) async {
        var failure: WebSocketConnectionError?
        while true {
            let message: WebSocketMessage?
            do {
                message = try await reader.buffer.next(timeout: nil, on: eventLoop)
            } catch let error as WebSocketConnectionError {
                failure = error
                break
            } catch {
                break
            }
            guard let message else { break }
            accept(message)
        }
        let ending: GatewayCallError =
            failure.map { .transport($0) } ?? .connectionClosed(code: reader.closeCode, reason: reader.closeReason)
        replies.close(with: ending)
        eventSink.finish()
        frameSink.finish()
    }

    private func accept(_ message: WebSocketMessage) {
        let index = state.withLock { state in
            defer { state.nextIndex += 1 }
            return state.nextIndex
        }
        var frame = InboundFrameDecoder.decode(message, index: index, receivedAt: Date())
        switch frame.kind {
        case .response(let response, _):
            let answered = frame.with(kind: .response(response, matched: true))
            if replies.resolve(.response(id: response.id), with: .success(answered)) {
                frame = answered
            }
        case .malformed:
            // A broken reply still ends the wait of the request it names, instead of a timeout.
            if frame.json?["type"]?.stringValue == "res", let id = frame.json?["id"]?.stringValue {
                replies.resolve(.response(id: id), with: .failure(GatewayCallError.malformedResponse(frame)))
            }
        case .event(let event):
            if let json = frame.json {
                eventSink.yield(ReceivedEvent(frame: event, raw: frame.raw, json: json, index: index, receivedAt: frame.receivedAt))
            }
        case .binary:
            break
        }
        if index == 0 {
            replies.resolve(.firstFrame, with: .success(frame))
        }
        if frame.isProtocolViolation {
            state.withLock { state in
                state.violationCount += 1
                if state.violations.count < violationLimit { state.violations.append(frame) }
            }
        }
        frameSink.yield(frame)
    }
}
