extension BackendStatus {
    /// Asks the backend for its models and whether `model` is among them; never throws.
    public static func probe(_ backend: any ModelBackend, model: String) async -> BackendStatus {
        do {
            let models = try await backend.listModels()
            let present = models.contains { $0.name == model || $0.name == model + ":latest" }
            return BackendStatus(
                reachable: true, modelPresent: present, detail: present ? nil : "model \(model) is not pulled (ollama pull \(model))")
        } catch let error as ModelBackendError {
            return BackendStatus(reachable: false, modelPresent: false, detail: error.message)
        } catch {
            return BackendStatus(reachable: false, modelPresent: false, detail: "backend check failed")
        }
    }
}
