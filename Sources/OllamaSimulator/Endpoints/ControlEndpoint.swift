import NIOCore
import NIOHTTP1

/// The simulator's own endpoints under `/_sim/`: read and patch the behaviour, read and
/// reset the counters. Not part of Ollama's API.
struct ControlEndpoint: Sendable {
    let state: SimulatorState
    let writer: ResponseWriter

    func behaviour() async throws {
        try await writer.sendJSON(BehaviourDocument(behaviour: state.behaviour))
    }

    /// Applies a partial update atomically and answers with the whole resulting behaviour.
    func updateBehaviour(body: ByteBuffer) async throws {
        guard let patch = try await RequestBodyDecoder(writer: writer).decode(BehaviourPatch.self, from: body) else {
            return
        }
        do {
            let updated = try state.updateBehaviour { (behaviour: inout SimulatorBehaviour) throws(BehaviourPatchError) in
                try patch.apply(to: &behaviour)
            }
            try await writer.sendJSON(BehaviourDocument(behaviour: updated))
        } catch let error as BehaviourPatchError {
            try await writer.sendError(status: .badRequest, error.message)
        }
    }

    func stats() async throws {
        try await writer.sendJSON(state.stats)
    }

    func resetStats() async throws {
        state.resetStats()
        try await writer.sendJSON(state.stats)
    }
}
