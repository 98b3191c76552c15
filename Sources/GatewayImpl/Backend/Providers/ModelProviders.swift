import Foundation
import Logging
import Locking

/// The gateway's one ``ModelBackend``: routes each request to its provider by `provider/model`
/// (a bare name is Ollama), retries transient failures before the first token with backoff
/// (honouring `Retry-After`), and falls back along an agent's ordered `fallbacks` when a model
/// fails before its first token. Every run starts again with the primary: there is no memory
/// of earlier failures, so the primary is used again as soon as it works.
///
/// It also answers for all providers together: the aggregated catalog (`models.list`), each
/// provider's key state (``statuses()``), and whether an agent's chain can serve (readiness).
public final class ModelProviders: ModelBackend {
    public let settings: ProviderSettings
    /// The models agents use (primaries and fallbacks), for ``ProviderStatus/usedByAgent``.
    public let agentModels: [String]
    private let backends: [String: any ModelBackend]
    private let logger: Logger
    private let state = Locked(State())

    private struct State {
        /// Providers whose key was refused by their latest answer.
        var rejectedKeys: Set<String> = []
        /// The latest model list per provider, for readiness; one entry per configured provider.
        var probes: [String: (at: ContinuousClock.Instant, result: Result<[ModelSummary], ModelBackendError>)] = [:]
    }

    /// How long readiness reuses a provider's model list (Kubernetes probes every few seconds).
    public static let probeMaxAge: Duration = .seconds(10)

    /// Creates a backend per provider.
    /// - Throws: ``ModelBackendError/unreachable(_:)`` for an unusable base URL (nothing is left open).
    public convenience init(
        settings: ProviderSettings, agentModels: [String] = [], logger: Logger = Logger(label: "kubeclaw.providers")
    ) async throws {
        var backends: [String: any ModelBackend] = [:]
        do {
            for provider in settings.providers {
                let label = "kubeclaw.backend.\(provider.name)"
                switch provider.api {
                case .ollama:
                    backends[provider.name] = try OllamaBackend(baseURL: provider.baseURL, logger: Logger(label: label))
                case .openAICompletions:
                    backends[provider.name] = try OpenAICompatibleBackend(configuration: provider, logger: Logger(label: label))
                case .anthropicMessages:
                    backends[provider.name] = try AnthropicBackend(configuration: provider, logger: Logger(label: label))
                }
            }
        } catch {
            for backend in backends.values { try? await backend.shutdown() }
            throw error
        }
        self.init(settings: settings, backends: backends, agentModels: agentModels, logger: logger)
    }

    /// With backends made elsewhere (one per provider name); for tests.
    public init(settings: ProviderSettings, backends: [String: any ModelBackend], agentModels: [String] = [], logger: Logger) {
        self.settings = settings
        self.backends = backends
        self.agentModels = agentModels
        self.logger = logger
    }

    /// `text` as a reference (a bare name is an Ollama model).
    public func reference(_ text: String) -> ModelReference {
        settings.reference(text)
    }

    // MARK: Chat

    /// Streams a reply from `request.model`, or — when it fails before its first token — from
    /// each of `fallbacks` in order. The completion says which provider and model answered.
    /// With one candidate its error is thrown as is; with several,
    /// ``ModelBackendError/allCandidatesFailed(_:)`` lists each. A failure after the first token
    /// ends the reply (the client has part of it). Cancellation stops everything at once.
    public func chat(
        _ request: ModelChatRequest, fallbacks: [String], onDelta: @Sendable (String) async -> Void
    ) async throws -> ModelChatCompletion {
        var candidates: [ModelReference] = []
        for text in [request.model] + fallbacks {
            let reference = reference(text)
            if !candidates.contains(reference) { candidates.append(reference) }
        }
        var failures: [CandidateFailure] = []
        for (index, candidate) in candidates.enumerated() {
            let delivery = DeliveryFlag()
            do {
                var completion = try await attempt(candidate, request: request, delivery: delivery) { text in
                    delivery.markDelivered()
                    await onDelta(text)
                }
                completion.provider = candidate.provider
                completion.model = candidate.model
                if index > 0 {
                    logger.notice("answered by a fallback model", metadata: ["model": "\(candidate)", "primary": "\(candidates[0])"])
                }
                return completion
            } catch let error as ModelBackendError where !delivery.hasDelivered {
                failures.append(CandidateFailure(reference: candidate.description, error: error))
                if index + 1 < candidates.count {
                    logger.warning("model failed before its first token; trying the next fallback", metadata: [
                        "model": "\(candidate)", "next": "\(candidates[index + 1])", "error": "\(error.message)",
                    ])
                }
            }
        }
        throw failures.count == 1 ? failures[0].error : ModelBackendError.allCandidatesFailed(failures)
    }

    public func chat(_ request: ModelChatRequest, onDelta: @Sendable (String) async -> Void) async throws -> ModelChatCompletion {
        try await chat(request, fallbacks: [], onDelta: onDelta)
    }

    /// One candidate with its provider's retries.
    private func attempt(
        _ reference: ModelReference, request: ModelChatRequest, delivery: DeliveryFlag, onDelta: @Sendable (String) async -> Void
    ) async throws -> ModelChatCompletion {
        guard let provider = settings.provider(named: reference.provider), let backend = backends[reference.provider] else {
            throw ModelBackendError.unknownProvider(reference.provider)
        }
        if provider.requiresAPIKey, !provider.hasAPIKey {
            throw ModelBackendError.missingAPIKey(provider: provider.name, variable: provider.apiKeyVariable)
        }
        var routed = request
        routed.model = reference.model
        var attempt = 0
        while true {
            do {
                let completion = try await backend.chat(routed, onDelta: onDelta)
                noteKey(of: provider.name, accepted: true)
                return completion
            } catch let error as ModelBackendError {
                if case .upstream(let failure) = error, failure.rejectsCredentials { noteKey(of: provider.name, accepted: false) }
                guard !delivery.hasDelivered, let delay = provider.retry.delay(afterAttempt: attempt, error: error) else { throw error }
                logger.notice("retrying a model request", metadata: [
                    "model": "\(reference)", "attempt": "\(attempt + 2)", "after": "\(delay)", "error": "\(error.message)",
                ])
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    // MARK: Catalog

    /// Every active provider's models, asked at once; declared models are used as configured.
    public func catalog() async -> ProviderCatalog {
        let active = settings.providers.filter(settings.isActive)
        let results = await withTaskGroup(of: (String, Result<[ModelSummary], ModelBackendError>).self) { group in
            for provider in active {
                group.addTask { (provider.name, await self.models(of: provider)) }
            }
            var results: [String: Result<[ModelSummary], ModelBackendError>] = [:]
            for await (name, result) in group { results[name] = result }
            return results
        }
        var catalog = ProviderCatalog()
        for provider in active {
            switch results[provider.name] {
            case .success(let models)?: catalog.models += models
            case .failure(let error)?: catalog.failures[provider.name] = error
            case nil: break
            }
        }
        catalog.models.sort { ($0.provider ?? "", $0.name) < ($1.provider ?? "", $1.name) }
        return catalog
    }

    /// The aggregated catalog; throws only when no provider answered (the first failure, Ollama's
    /// when it failed).
    public func listModels() async throws -> [ModelSummary] {
        let catalog = await catalog()
        if catalog.models.isEmpty, !catalog.failures.isEmpty {
            throw catalog.failures[ProviderSettings.ollamaName] ?? catalog.failures.sorted { $0.key < $1.key }[0].value
        }
        return catalog.models
    }

    /// One provider's models (declared, or as it lists them), for checking a model a client picks.
    public func models(ofProvider name: String) async throws -> [ModelSummary] {
        guard let provider = settings.provider(named: name) else { throw ModelBackendError.unknownProvider(name) }
        return try await models(of: provider).get()
    }

    /// One model in detail, from its provider.
    public func showModel(_ name: String) async throws -> ModelSummary {
        let reference = reference(name)
        guard let backend = backends[reference.provider] else { throw ModelBackendError.unknownProvider(reference.provider) }
        var model = try await backend.showModel(reference.model)
        model.provider = reference.provider
        return model
    }

    /// Ollama's version.
    public func version() async throws -> String {
        guard let ollama = backends[ProviderSettings.ollamaName] else { throw ModelBackendError.unknownProvider(ProviderSettings.ollamaName) }
        return try await ollama.version()
    }

    /// The models of one provider: as declared, or as it lists them; a missing key is a
    /// failure without a call.
    private func models(of provider: ProviderConfiguration) async -> Result<[ModelSummary], ModelBackendError> {
        if !provider.models.isEmpty {
            return .success(provider.models.map {
                ModelSummary(name: $0.id, contextLength: $0.contextWindow, provider: provider.name, displayName: $0.name)
            })
        }
        if provider.requiresAPIKey, !provider.hasAPIKey {
            return .failure(.missingAPIKey(provider: provider.name, variable: provider.apiKeyVariable))
        }
        guard let backend = backends[provider.name] else { return .failure(.unknownProvider(provider.name)) }
        do {
            let models = try await backend.listModels().map { model in
                var model = model
                model.provider = provider.name
                return model
            }
            noteKey(of: provider.name, accepted: true)
            return .success(models)
        } catch let error as ModelBackendError {
            if case .upstream(let failure) = error, failure.rejectsCredentials { noteKey(of: provider.name, accepted: false) }
            return .failure(error)
        } catch {
            return .failure(.streamEndedEarly)
        }
    }

    // MARK: Status

    /// Each provider's key state and host; never a key.
    public func statuses() -> [ProviderStatus] {
        let rejected = state.withLock { $0.rejectedKeys }
        let used = Set(agentModels.map { reference($0).provider })
        return settings.providers.map { provider in
            let keyState: ProviderKeyState =
                if !provider.requiresAPIKey && !provider.hasAPIKey { .notRequired }
                else if !provider.hasAPIKey { .missing }
                else if rejected.contains(provider.name) { .rejected }
                else { .configured }
            return ProviderStatus(
                name: provider.name, api: provider.api, keyState: keyState, keyVariable: provider.apiKeyVariable,
                baseURLHost: Self.host(of: provider), usedByAgent: used.contains(provider.name))
        }
    }

    /// Whether a chain (an agent's model, then its fallbacks) can serve: ready when any of its
    /// models is; the detail names what is wrong with each model that is not (with one model,
    /// just its problem). Never throws; a provider without a key is reported, not called.
    public func chainStatus(_ chain: [String]) async -> BackendStatus {
        var references: [ModelReference] = []
        for text in chain where !references.contains(reference(text)) { references.append(reference(text)) }
        var statuses: [BackendStatus] = []
        for reference in references { statuses.append(await status(of: reference)) }
        guard statuses.count > 1 else { return statuses.first ?? .unknown }
        let usable = statuses.contains { $0.reachable && $0.modelPresent }
        let problems = zip(references, statuses).compactMap { reference, status in
            status.detail.map { "\(reference): \($0)" }
        }
        let primaryUsable = statuses[0].reachable && statuses[0].modelPresent
        return BackendStatus(
            reachable: statuses.contains(where: \.reachable), modelPresent: usable,
            detail: primaryUsable || problems.isEmpty ? nil : problems.joined(separator: "; ") + (usable ? " (a fallback serves)" : ""))
    }

    private func status(of reference: ModelReference) async -> BackendStatus {
        guard let provider = settings.provider(named: reference.provider) else {
            return BackendStatus(reachable: false, modelPresent: false, detail: ModelBackendError.unknownProvider(reference.provider).message)
        }
        if provider.requiresAPIKey, !provider.hasAPIKey {
            return BackendStatus(
                reachable: false, modelPresent: false,
                detail: ModelBackendError.missingAPIKey(provider: provider.name, variable: provider.apiKeyVariable).message)
        }
        switch await probe(provider) {
        case .success(let models):
            let declared = provider.models.map(\.id)
            let names = declared.isEmpty ? models.map(\.name) : declared
            let present = names.isEmpty || names.contains(reference.model)
                || (provider.api == .ollama && names.contains(reference.model + ":latest"))
            guard !present else { return BackendStatus(reachable: true, modelPresent: true) }
            let detail = provider.api == .ollama
                ? "model \(reference.model) is not pulled (ollama pull \(reference.model))"
                : "model \(reference.model) is not offered by provider \"\(provider.name)\""
            return BackendStatus(reachable: true, modelPresent: false, detail: detail)
        case .failure(.upstream(let failure)) where failure.status == 404 && provider.api != .ollama:
            // A compatible server without a model list: reachable; whether it has the model shows at the first chat.
            return BackendStatus(reachable: true, modelPresent: true)
        case .failure(.upstream(let failure)):
            return BackendStatus(reachable: !failure.rejectsCredentials, modelPresent: false, detail: failure.message)
        case .failure(let error):
            return BackendStatus(reachable: false, modelPresent: false, detail: error.message)
        }
    }

    /// The provider's model list, reused for ``probeMaxAge``.
    private func probe(_ provider: ProviderConfiguration) async -> Result<[ModelSummary], ModelBackendError> {
        let now = ContinuousClock.now
        if let cached = state.withLock({ $0.probes[provider.name] }), now - cached.at < Self.probeMaxAge {
            return cached.result
        }
        var listed = provider
        listed.models = []
        let result = await models(of: listed)
        state.withLock { $0.probes[provider.name] = (ContinuousClock.now, result) }
        return result
    }

    private func noteKey(of provider: String, accepted: Bool) {
        state.withLock { state in
            if accepted { state.rejectedKeys.remove(provider) } else { state.rejectedKeys.insert(provider) }
        }
    }

    /// `host[:port]` of a provider's base URL; never credentials or a path.
    static func host(of provider: ProviderConfiguration) -> String {
        if provider.api == .ollama {
            return (try? OllamaAddress(parsing: provider.baseURL).displayName) ?? "invalid address"
        }
        return (try? ProviderEndpoint(parsing: provider.baseURL).displayHost) ?? "invalid address"
    }

    public func shutdown() async throws {
        for backend in backends.values { try? await backend.shutdown() }
    }
}
