import Foundation
import GeneratedProtocol
import Logging

/// Kubeclaw's implementation of the OpenClaw gateway methods.
///
/// One value per process, shared by every connection; all state lives in the store, the chat
/// runs and the health monitor it holds.
public struct Gateway: GatewayMethods {
    public typealias Context = CallerContext

    public let settings: GatewaySettings
    public let store: any SessionStore
    public let health: HealthMonitor
    public let chat: ChatRuns
    /// Every model provider, routed by `provider/model`.
    public let providers: ModelProviders
    /// Approved devices and their tokens.
    public let devices: DeviceRegistry
    /// Deletes idle sessions and trims long transcripts (``GatewaySettings/retention``); the
    /// process starts it once serving and stops it before closing the store.
    public let retention: RetentionSweeper
    /// Keeps this replica's run leases and fails runs of lost replicas
    /// (``GatewaySettings/runLeases``); nil for a process alone with its store.
    public let runLeases: RunLeaseKeeper?
    let events: any GatewayEventSink
    let sessionEvents: SessionEvents
    let runtimeStatus: @Sendable () -> RuntimeStatus
    /// The gateway's recent log lines (`logs.tail`).
    public let logLines: RecentLogLines
    let logger: Logger
    let startedAt = ContinuousClock.now

    /// Live numbers only the transport knows.
    public struct RuntimeStatus: Sendable {
        public var connections: Int
        public var uptimeMs: Int
        /// The connected clients that are tracked (`system-presence`), newest first.
        public var presence: [PresenceEntry]

        public init(connections: Int, uptimeMs: Int, presence: [PresenceEntry] = []) {
            self.connections = connections
            self.uptimeMs = uptimeMs
            self.presence = presence
        }
    }

    /// `runObserver` hears how every chat run ends (the transport's metrics); `relay` links the
    /// replicas sharing the store (``EventRelay``), for `chat.abort` of their runs.
    public init(
        settings: GatewaySettings, store: any SessionStore, providers: ModelProviders, events: any GatewayEventSink,
        runtimeStatus: @escaping @Sendable () -> RuntimeStatus, runObserver: (any ChatRunObserver)? = nil,
        relay: (any EventRelay)? = nil, logLines: RecentLogLines = .process,
        logger: Logger = Logger(label: "kubeclaw.gateway")
    ) {
        self.logLines = logLines
        self.settings = settings
        self.store = store
        self.providers = providers
        self.events = events
        self.runtimeStatus = runtimeStatus
        self.logger = logger
        let chain = settings.agent.modelChain
        self.health = HealthMonitor(settings: settings, store: store, events: events) {
            await providers.chainStatus(chain)
        }
        let chat = ChatRuns(
            settings: settings, store: store, providers: providers, events: events, observer: runObserver, relay: relay,
            logger: logger)
        self.chat = chat
        self.sessionEvents = SessionEvents(settings: settings, store: store, events: events, logger: logger)
        self.retention = RetentionSweeper(
            policy: settings.retention, store: store, sessionEvents: sessionEvents,
            activeSessions: { await chat.sessionsWithActiveRuns() }, logger: logger)
        self.devices = DeviceRegistry(store: store)
        self.runLeases = settings.runLeases.map { RunLeaseKeeper(policy: $0, chat: chat) }
    }

    // MARK: connect

    public func connect(_ params: ConnectParams, context: CallerContext) async throws -> HelloOk {
        let runtime = runtimeStatus()
        // The connecting client is not among the connections yet; OpenClaw lists it too.
        let presence = (context.presence.map { [$0] } ?? []) + runtime.presence.filter { $0.instanceId != context.presence?.instanceId || context.presence == nil }
        let snapshot = Snapshot(
            authMode: settings.authMode, configPath: settings.configFile.path,
            health: await health.snapshotValue(), presence: presence,
            sessionDefaults: .init(
                defaultAgentId: settings.agent.id, mainKey: "main", mainSessionKey: settings.mainSessionKey, scope: "per-sender"),
            stateDir: settings.dataDirectory,
            stateVersion: StateVersion(health: await health.version, presence: 0),
            uptimeMs: runtime.uptimeMs)
        // OpenClaw refreshes health right after a connect; the event reaches the new client too.
        let monitor = health
        Task { await monitor.refreshIfStale(maxAge: .seconds(10)) }
        let version = context.protocolVersion
        // Protocol 3 drops `auth` unless it carries a device token (HelloOk.adapted(to:)).
        return HelloOk(
            auth: try await helloAuth(context),
            features: .init(events: ProtocolInfo.events(for: version), methods: ProtocolInfo.methods(for: version)),
            policy: .init(
                maxBufferedBytes: context.maxBufferedBytes, maxPayload: context.maxPayload, tickIntervalMs: context.tickIntervalMs),
            protocol: version.rawValue,
            server: .init(connId: context.connId, host: ProcessInfo.processInfo.hostName, version: settings.serviceVersion),
            snapshot: snapshot)
    }

    /// `hello-ok.auth`: the role and scopes granted and, for a device that proved itself with
    /// the shared secret, a new device token (the device is recorded only now, when every check
    /// of the handshake has passed).
    private func helloAuth(_ context: CallerContext) async throws -> HelloOk.Auth {
        let scopes = context.scopes.sorted()
        var auth = HelloOk.Auth(role: context.role, scopes: scopes)
        guard let device = context.device else { return auth }
        let now = Self.nowMs()
        if context.usedSharedSecret {
            do {
                let issued = try await devices.issue(for: device, role: context.role, scopes: scopes, at: now)
                auth.deviceToken = issued.token
                auth.issuedAtMs = Int(issued.issuedAt)
                logger.info("device recorded and issued a token", metadata: [
                    "device": "\(device.id.prefix(12))", "role": "\(context.role)", "client": "\(device.clientId)",
                ])
            } catch {
                logger.error("could not record a device", metadata: ["error": "\(error)"])
                throw GatewayError.deviceNotRecorded
            }
        } else if context.authMethod == "device-token" {
            do {
                try await devices.markSeen(deviceId: device.id, at: now)
            } catch {
                logger.warning("could not note a device's connect", metadata: ["error": "\(error)"])
            }
        }
        return auth
    }

    // MARK: Helpers shared by the method files

    /// The canonical key of what a client sent, or INVALID_REQUEST. With `agentId` (sent by
    /// today's clients next to the key), that agent must be the configured one and the key must
    /// belong to it.
    func canonicalKey(_ raw: String, agentId: String? = nil) throws -> SessionKey {
        let key: SessionKey
        do {
            key = try SessionKey(parsing: raw, defaultAgentId: settings.agent.id)
        } catch {
            throw GatewayError.sessionKey(error)
        }
        if let agentId {
            let agent = try configuredAgent(agentId)
            guard key.agentId == agent else { throw GatewayError.invalidRequest("session key agent does not match agentId") }
        }
        return key
    }

    /// The configured agent's id when `agentId` names it, else INVALID_REQUEST `unknown agent`.
    @discardableResult
    func configuredAgent(_ agentId: String) throws -> String {
        guard SessionKey.normalizedAgentId(agentId) == settings.agent.id else {
            throw GatewayError.invalidRequest("unknown agent: \(agentId)", details: ["agentId": .string(agentId)])
        }
        return settings.agent.id
    }

    /// Runs a store call, turning store failures into UNAVAILABLE with a safe message.
    func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as GatewayError {
            throw error
        } catch let error as SessionStoreError {
            throw GatewayError.store(error)
        }
    }

    static func nowMs() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}
