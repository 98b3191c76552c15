import NIOCore

/// What a scenario does on one connection once its handshake is through. Called on the
/// connection's event loop only, so implementations keep plain mutable state.
protocol ConnectionBehaviour: AnyObject {
    /// `hello-ok` arrived (for the floor: the echo of `connect`).
    func opened(_ connection: BenchConnection)
    /// A text message arrived after the handshake.
    func received(_ message: ByteBuffer, on connection: BenchConnection)
}

/// Reads and forgets: an idle client.
final class IdleBehaviour: ConnectionBehaviour {
    func opened(_ connection: BenchConnection) {}
    func received(_ message: ByteBuffer, on connection: BenchConnection) {}
}
