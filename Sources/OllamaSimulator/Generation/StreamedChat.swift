/// The bookkeeping every face does around one generation: the streaming gauge, how it ended
/// (completed, cut, the client gone, the simulator stopping), and ``SimulatorBehaviour/hang``.
struct StreamedChat: Sendable {
    let state: SimulatorState
    let liveness: ConnectionLiveness

    /// Longest a hanging chat waits for its client to give up, so no task outlives a forgotten test.
    static let longestHang: Duration = .seconds(3_600)

    /// Runs `generate` (or hangs), counting the chat as streaming meanwhile. A `.close`
    /// disposition is a deliberate cut and counts as failed.
    func run(hang: Bool, _ generate: () async throws -> ConnectionDisposition) async throws -> ConnectionDisposition {
        state.streamingBegan()
        var ending = ChatEnding.serverStopped
        defer { state.streamingEnded(ending) }
        do {
            if hang {
                try await Task.sleep(for: Self.longestHang)
                ending = .failed
                return .close
            }
            let disposition = try await generate()
            ending = disposition == .close ? .failed : .completed
            return disposition
        } catch {
            // A write that fails means the peer is gone too; only a cancellation without a
            // departed client is the simulator shutting down.
            ending = error is CancellationError && !liveness.isClientGone ? .serverStopped : .clientDisconnected
            throw error
        }
    }
}
