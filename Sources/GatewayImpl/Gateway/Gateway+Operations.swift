import Foundation
import GeneratedProtocol

/// What the Control UI's overview asks for: connected clients, recent logs, provider
/// credentials, messaging channels.
extension Gateway {
    public func systemPresence(_ params: SystemPresenceParams, context: CallerContext) async throws -> SystemPresenceResult {
        runtimeStatus().presence
    }

    public func logsTail(_ params: LogsTailParams, context: CallerContext) async throws -> LogsTailResult {
        let tail = logLines.tail(
            after: params.cursor, limit: min(params.limit ?? 200, 5000), maxBytes: min(params.maxBytes ?? 250_000, 1_000_000))
        return LogsTailResult(
            cursor: tail.cursor, file: "memory:kubeclaw", lines: tail.lines, reset: tail.reset ? true : nil, size: tail.size,
            truncated: tail.truncated ? true : nil)
    }

    public func modelsAuthStatus(_ params: ModelsAuthStatusParams, context: CallerContext) async throws -> ModelsAuthStatusResult {
        ModelsAuthStatusResult(providers: providers.statuses().map(\.authProvider), ts: Int(Self.nowMs()))
    }

    public func channelsStatus(_ params: ChannelsStatusParams, context: CallerContext) async throws -> ChannelsStatusResult {
        ChannelsStatusResult(
            channelAccounts: [:], channelDefaultAccountId: [:], channelLabels: [:], channelOrder: [], channels: [:],
            ts: Int(Self.nowMs()))
    }
}
