import AsyncHTTPClient
import Foundation
import NIOCore

/// The same load without the gateway: `streams` chats straight to the simulator over
/// AsyncHTTPClient, measuring each piece from its write to the client's parse of its line.
/// What is left of the gateway's numbers after this is what the gateway adds.
struct SimulatorBaseline: Sendable {
    let port: Int
    let streams: Int
    let pieces: Int
    let tokensPerSecond: Double
    let alignedStarts: Bool

    private struct Line: Decodable {
        struct Message: Decodable { var content: String }
        var message: Message?
    }

    func run() async throws -> LatencySamples {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = streams
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let interval = Duration.seconds(1 / tokensPerSecond)
        let deadline = NIODeadline.now() + .seconds(Int64(Double(pieces) / tokensPerSecond) + 60)
        do {
            let samples = try await withThrowingTaskGroup(of: LatencySamples.self) { group in
                let start = ContinuousClock.now
                for index in 0..<streams {
                    group.addTask {
                        try await Task.sleep(until: start + (alignedStarts ? .zero : interval * index / streams), clock: .continuous)
                        return try await stream(client, deadline: deadline)
                    }
                }
                var all = LatencySamples()
                for try await samples in group { all.append(contentsOf: samples) }
                return all
            }
            try await client.shutdown()
            return samples
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func stream(_ client: HTTPClient, deadline: NIODeadline) async throws -> LatencySamples {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/chat")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"model":"qwen2.5:14b","messages":[{"role":"user","content":"measure me"}]}"#))
        let response = try await client.execute(request, deadline: deadline)
        var samples = LatencySamples()
        var pending = ByteBuffer()
        let decoder = JSONDecoder()
        for try await var bytes in response.body {
            pending.writeBuffer(&bytes)
            while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - pending.readerIndex
                let line = pending.readSlice(length: length)!
                pending.moveReaderIndex(forwardBy: 1)
                let readAt = PieceStamps.now()
                let content = (try? decoder.decode(Line.self, from: Data(line.readableBytesView)))?.message?.content ?? ""
                for stamp in PieceStamps.parse(content) { samples.append(readAt - stamp) }
            }
        }
        return samples
    }
}
