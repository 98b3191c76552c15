import NIOCore
import NIOHTTP1
import NIOWebSocket

/// HTTP/1.1 that upgrades to WebSocket on any path; `/fanout` joins the broadcast group.
enum EchoPipeline {
    /// Largest message accepted, as the gateway's default (64 KiB).
    static let maxFrameSize = 1 << 16

    static func configure(_ channel: any Channel, broadcast: BroadcastGroup) -> EventLoopFuture<Void> {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: maxFrameSize,
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { channel, request in
                let fanout = request.uri.hasPrefix("/fanout")
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                        minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 64, maxAccumulatedFrameSize: maxFrameSize))
                    try channel.pipeline.syncOperations.addHandler(EchoHandler(broadcast: fanout ? broadcast : nil))
                }
            })
        return channel.pipeline.configureHTTPServerPipeline(
            withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
    }
}
