import Foundation
import GeneratedProtocol

/// Builds the OpenClaw `HealthSummary` and caches it: `health` answers from a cache younger
/// than `maxAge` (as OpenClaw does, 60 s) unless a probe is asked for, and every refresh is
/// broadcast as a `health` event with a new `stateVersion.health`.
public actor HealthMonitor {
    private let settings: GatewaySettings
    private let store: any SessionStore
    private let backendProbe: @Sendable () async -> BackendStatus
    private let events: any GatewayEventSink
    /// The last summary, with its JSON made once per refresh (every `connect` sends it).
    private var cached: (summary: HealthSummary, value: JSONValue, at: ContinuousClock.Instant)?
    private var lastBackend = BackendStatus.unknown
    private var refreshing: Task<HealthSummary, any Error>?
    /// `stateVersion.health`: bumped on every refresh.
    public private(set) var version = 0

    public static let maxAge: Duration = .seconds(60)

    public init(
        settings: GatewaySettings, store: any SessionStore, events: any GatewayEventSink,
        backendProbe: @escaping @Sendable () async -> BackendStatus
    ) {
        self.settings = settings
        self.store = store
        self.events = events
        self.backendProbe = backendProbe
    }

    /// The cached summary as JSON for `hello-ok.snapshot.health` (`{}` before the first probe).
    public func snapshotValue() -> JSONValue {
        cached?.value ?? .object([:])
    }

    /// The last backend answer seen by a refresh.
    public func backendStatus() -> BackendStatus { lastBackend }

    /// A summary no older than `maxAge`, probing when asked to.
    public func summary(probe: Bool) async throws -> HealthSummary {
        if !probe, let cached, ContinuousClock.now - cached.at < Self.maxAge { return cached.summary }
        return try await refresh()
    }

    /// Refreshes only when the cached summary is older than `maxAge` (or missing). Used after
    /// every connect: many clients connecting at once cause one refresh, not one broadcast each.
    public func refreshIfStale(maxAge: Duration) async {
        if let cached, ContinuousClock.now - cached.at < maxAge { return }
        _ = try? await refresh()
    }

    /// Probes the store and the backend, caches and broadcasts the result. Callers arriving
    /// while a probe runs share its result.
    @discardableResult
    public func refresh() async throws -> HealthSummary {
        if let running = refreshing { return try await running.value }
        let task = Task { try await self.probe() }
        refreshing = task
        defer { refreshing = nil }
        return try await task.value
    }

    private func probe() async throws -> HealthSummary {
        let started = ContinuousClock.now
        async let backend = backendProbe()
        let storeHealthy = await store.isHealthy()
        guard storeHealthy else {
            throw GatewayError.unavailable("health probe failed: session store unavailable")
        }
        let count = try await store.sessionCount()
        let recent = try await store.sessions(matching: SessionQuery(limit: 10))
        let backendStatus = await backend
        lastBackend = backendStatus
        let now = Self.nowMs()
        let sessions = HealthSessions(
            count: count, path: settings.storePath,
            recent: recent.map { record in
                HealthSessions.RecentItem(
                    age: .value(max(0, now - Int(record.updatedAt))), key: record.key, updatedAt: .value(Int(record.updatedAt)))
            })
        let agent = settings.agent
        let heartbeat = HeartbeatSummary(
            ackMaxChars: 300, enabled: false, every: "0", everyMs: .null, model: agent.model, prompt: "", target: "none")
        let elapsed = ContinuousClock.now - started
        var backendInfo: [String: JSONValue] = [
            "url": .string(settings.backendURL), "reachable": .bool(backendStatus.reachable),
            "model": .string(agent.model), "modelPresent": .bool(backendStatus.modelPresent),
        ]
        if let detail = backendStatus.detail { backendInfo["detail"] = .string(detail) }
        let summary = HealthSummary(
            agents: [AgentHealth(agentId: agent.id, heartbeat: heartbeat, isDefault: true, name: agent.name, sessions: sessions)],
            channelLabels: [:], channelOrder: [], channels: [:], defaultAgentId: agent.id,
            durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
            heartbeatSeconds: 0, ok: backendStatus.reachable && backendStatus.modelPresent, sessions: sessions, ts: now,
            additionalProperties: ["backend": .object(backendInfo)])
        cached = (summary, (try? JSONValue(encoding: summary)) ?? .object([:]), ContinuousClock.now)
        version += 1
        events.publish(.health(summary))
        return summary
    }

    static func nowMs() -> Int {
        Int(Date().timeIntervalSince1970 * 1000)
    }
}
