import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Opens client connections to one WebSocket endpoint: TCP, the HTTP upgrade, then the OpenClaw
/// handshake, each bounded by ``handshakeTimeout``.
struct Dialer: Sendable {
    let endpoint: Endpoint
    let token: String?
    let group: any EventLoopGroup
    var handshakeTimeout: TimeAmount = .seconds(15)
    /// Largest message accepted from the server (chat events carry the whole reply so far).
    var maxFrameSize = 16 << 20
    /// Whether the server sends `connect.challenge` first (see ``RunningSystem/sendsChallenge``).
    var awaitsChallenge = true

    struct Endpoint: Sendable, CustomStringConvertible {
        var host: String
        var port: Int
        var path: String = "/"
        var description: String { "ws://\(host):\(port)\(path)" }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String
    }

    /// One connection; `behaviour` is made on the connection's event loop.
    func open(behaviour: @escaping @Sendable () -> any ConnectionBehaviour) async throws -> ClientConnection {
        let loop = group.next()
        let handshake = loop.makePromise(of: NIOLoopBound<BenchConnection>.self)
        let connectRequest = Requests.connect(token: token)
        let maxFrameSize = self.maxFrameSize, awaitsChallenge = self.awaitsChallenge
        let timeout = loop.scheduleTask(in: handshakeTimeout) {
            handshake.fail(TimedOut(description: "no hello-ok within \(handshakeTimeout.nanoseconds / 1_000_000_000) s"))
        }
        let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: maxFrameSize, upgradePipelineHandler: { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                let handler = BenchConnection(
                    connectRequest: connectRequest, awaitsChallenge: awaitsChallenge, behaviour: behaviour(), handshake: handshake)
                try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1024, maxAccumulatedFrameSize: maxFrameSize))
                try channel.pipeline.syncOperations.addHandler(handler)
            }
        })
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(handshakeTimeout)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    // The challenge may share a TCP segment with the 101: keep those bytes.
                    channel.pipeline.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes, withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
                .connect(host: endpoint.host, port: endpoint.port)
                .get()
        } catch {
            timeout.cancel()
            handshake.fail(error)
            throw error
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(endpoint.host):\(endpoint.port)")
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        // A refused upgrade or a dropped socket before the handshake ends it too.
        channel.closeFuture.whenComplete { _ in handshake.fail(TimedOut(description: "closed before hello-ok")) }
        do {
            let handler = try await handshake.futureResult.get()
            timeout.cancel()
            return ClientConnection(channel: channel, handler: handler)
        } catch {
            timeout.cancel()
            channel.close(promise: nil)
            throw error
        }
    }

    /// Opens `count` connections, at most `concurrency` handshakes at a time, timing each (from
    /// the TCP connect to `hello-ok`). Failures are collected; a worker gives up after 20.
    func open(
        count: Int, concurrency: Int, behaviour: @escaping @Sendable (Int) -> any ConnectionBehaviour
    ) async throws -> (connections: [ClientConnection], handshakes: LatencyRecorder, failures: [String]) {
        let next = ManagedCounter()
        return try await withThrowingTaskGroup(of: ([(Int, ClientConnection)], LatencyRecorder, [String]).self) { group in
            for _ in 0..<max(1, min(concurrency, count)) {
                group.addTask {
                    var opened: [(Int, ClientConnection)] = [], recorder = LatencyRecorder(), failures: [String] = []
                    while let index = next.take(below: count) {
                        let start = NIODeadline.now()
                        do {
                            let connection = try await open { behaviour(index) }
                            recorder.record(nanoseconds: (NIODeadline.now() - start).nanoseconds)
                            opened.append((index, connection))
                        } catch {
                            failures.append("connection \(index): \(error)")
                            if failures.count >= 20 { break }
                        }
                    }
                    return (opened, recorder, failures)
                }
            }
            var all: [(Int, ClientConnection)] = [], recorder = LatencyRecorder(), failures: [String] = []
            for try await (opened, partial, failed) in group {
                all += opened
                recorder.merge(partial)
                failures += failed
            }
            return (all.sorted { $0.0 < $1.0 }.map(\.1), recorder, failures)
        }
    }
}
