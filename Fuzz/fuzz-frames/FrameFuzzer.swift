import Foundation
import GatewayImpl
import GeneratedProtocol
@testable import KubeclawServer
import Logging
@testable import Runtime

/// libFuzzer entry: the bytes as one WebSocket text message, through the gateway's inbound path
/// without a socket — `Dispatcher.decode`, the connection's state machine, then
///
/// - as a connection's first frame: the `Handshake` and, when admitted, the `connect` method;
/// - as a frame of a connected `operator.admin` client: the `Admission` and the real `Gateway`
///   (over a temporary SQLite store; the model backend is a closed port),
///
/// and every answer encoded as `GatewayConnection` sends it. Requests run one at a time on a
/// ``RequestWorker``, which also waits for the chat runs a request started, so each input ends
/// with what it allocated freed. A request may take at most `FrameFuzzer.requestDeadline`; then
/// it is cancelled, and one that ignores the cancellation is reported as a hang (a crash, so
/// libFuzzer keeps the input).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrame(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FrameFuzzer.shared.run(Data(bytes: bytes, count: count))
    return 0
}

final class FrameFuzzer: Sendable {
    static let shared = FrameFuzzer()
    static let requestDeadline: Duration = .seconds(2)
    static let cancelDeadline: Duration = .seconds(10)

    let assembly: GatewayAssembly
    let environment: ConnectionEnvironment<Gateway>
    let subject: Handshake.Subject
    let worker: RequestWorker
    /// The state machine of a connection whose `connect` was admitted (all scopes).
    let connected: ConnectionStateMachine

    private init() {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kubeclaw-fuzz-frames-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.removeItem(atPath: directory)
        var configuration = GatewayAssembly.Configuration(dataDirectory: directory, ollamaURL: "http://127.0.0.1:9")
        configuration.logLevel = .critical
        configuration.logLines = RecentLogLines(maxLines: 100, maxBytes: 1 << 16)
        var runtime = configuration.runtime
        // Every request reaches its method: no budgets, no lockout.
        runtime.writeRateLimit = .init(messages: 0, window: .seconds(60))
        runtime.readRateLimit = .init(messages: 0, window: .seconds(60))
        configuration.runtime = runtime
        var logger = Logger(label: "fuzz")
        logger.logLevel = .critical
        let assembly = Self.block(deadline: .seconds(60)) { [configuration, logger] in
            try! await GatewayAssembly(configuration, logger: logger)
        }!
        self.assembly = assembly
        let chat = assembly.gateway.chat
        worker = RequestWorker(deadline: Self.requestDeadline, cancelDeadline: Self.cancelDeadline) {
            // A `chat.send` run outlives its request; its backend is a closed port, so it ends soon.
            while await chat.activeRunCount() > 0 {
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        environment = ConnectionEnvironment(
            configuration: runtime, dispatcher: Dispatcher(methods: assembly.gateway), makeContext: CallerContext.init(connection:),
            eventBus: EventBus(logger: logger), deviceTokens: assembly.gateway.devices, metrics: GatewayMetrics(), logger: logger)
        subject = Handshake.Subject(
            connId: "fuzz", upgrade: UpgradeRequest(remoteAddress: "127.0.0.1", isLoopback: true), challengeNonce: "fuzz-nonce")

        let hello = Data(#"{"type":"req","id":"c1","method":"connect","params":{"minProtocol":3,"maxProtocol":4,"client":{"id":"cli","version":"1.0.0","platform":"linux","mode":"cli"},"role":"operator","scopes":["operator.admin"]}}"#.utf8)
        var machine = ConnectionStateMachine()
        guard case .handshake(let request) = machine.received(Dispatcher<Gateway>.decode(hello)) else {
            fatalError("the fuzzer's own connect was not read as a handshake")
        }
        let handshake = environment.handshake
        let subject = subject
        guard case .admitted(var info)? = Self.block(deadline: .seconds(10), { await handshake.evaluate(request, for: subject) }) else {
            fatalError("the fuzzer's own connect was not admitted")
        }
        info.scopes = Scope.allCases.map(\.rawValue)
        _ = machine.handshakeFinished(admitted: info)
        connected = machine
    }

    func run(_ frame: Data) {
        let decoding = Dispatcher<Gateway>.decode(frame)
        // As the first frame of a connection.
        var first = ConnectionStateMachine()
        perform(first.received(decoding))
        // As a frame of a connected client.
        var machine = connected
        perform(machine.received(decoding))
    }

    private func perform(_ action: ConnectionStateMachine.Action) {
        switch action {
        case .ignore, .cancel, .close:
            return
        case .respond(let response, _):
            encode(.frame(response))
        case .refuse(let id, let error, _):
            encode(.frame(Dispatcher<Gateway>.errorResponse(id: id, error)))
        case .handshake(let request):
            let environment = environment
            let subject = subject
            let response = answer(request) {
                switch await environment.handshake.evaluate(request, for: subject) {
                case .admitted(let info):
                    await environment.dispatcher.dispatch(request, context: environment.makeContext(info), protocol: info.protocolVersion)
                case .rejected(let rejection):
                    .frame(Dispatcher<Gateway>.errorResponse(id: request.id, rejection.error))
                default:
                    fatalError("the handshake ended in a state that is not final")
                }
            }
            encode(response)
        case .admit(let request, let info, let draining):
            var connection = environment.admission.connectionState()
            switch environment.admission.decide(request, info: info, draining: draining, connection: &connection) {
            case .refuse(_, let error, _):
                encode(.frame(Dispatcher<Gateway>.errorResponse(id: request.id, error)))
            case .run:
                let environment = environment
                encode(answer(request) {
                    await environment.dispatcher.dispatch(request, context: environment.makeContext(info), protocol: info.protocolVersion)
                })
            }
        }
    }

    /// Runs one request to its answer on the worker, cancelling it after `requestDeadline`.
    private func answer(_ request: IncomingRequest, _ body: @escaping @Sendable () async -> DispatchedResponse) -> DispatchedResponse {
        if let answer = worker.run(body) { return answer }
        fatalError("request \(request.method.rawValue) ignored its cancellation for \(Self.cancelDeadline)")
    }

    private func encode(_ response: DispatchedResponse) {
        do {
            _ = try response.encoded()
        } catch {
            fatalError("a response could not be encoded: \(error)")
        }
    }

    /// Waits for `body` on this (non-cooperative) thread, for the one-time setup; after
    /// `deadline` the task is cancelled and given `cancelDeadline` to end. nil when it did not.
    private static func block<T: Sendable>(deadline: Duration, _ body: @escaping @Sendable () async -> T) -> T? {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        let task = Task {
            result.set(await body())
            done.signal()
        }
        if done.wait(timeout: .now() + .nanoseconds(Int(deadline.nanoseconds))) == .success { return result.value }
        task.cancel()
        if done.wait(timeout: .now() + .nanoseconds(Int(cancelDeadline.nanoseconds))) == .success { return result.value }
        return nil
    }
}
