/// The result of one health check, as `/`, `/readyz` and `status` report it.
public struct HealthCheck: Sendable, Equatable {
    public var name: String
    public var isHealthy: Bool
    /// Why it failed (or what it saw); never a secret.
    public var detail: String?

    public init(name: String, isHealthy: Bool, detail: String? = nil) {
        self.name = name
        self.isHealthy = isHealthy
        self.detail = detail
    }
}

/// Checks the runtime cannot make itself: the store and the model backend.
public struct HealthProbes: Sendable {
    /// Whether the gateway works at all (`/`): e.g. the store is open. Must not depend on the backend.
    public var health: @Sendable () async -> [HealthCheck]
    /// What else must hold to take traffic (`/readyz`): e.g. the backend answers with the model present.
    public var readiness: @Sendable () async -> [HealthCheck]

    public init(health: @escaping @Sendable () async -> [HealthCheck], readiness: @escaping @Sendable () async -> [HealthCheck]) {
        self.health = health
        self.readiness = readiness
    }

    public static let none = HealthProbes(health: { [] }, readiness: { [] })
}
