/// A server the harness drives: one it started (and stops), or one given by `--url`.
struct RunningSystem: Sendable {
    /// `kubeclaw`, `floor`, or the `--label` of an external gateway.
    let name: String
    let endpoint: Dialer.Endpoint
    /// The token its `connect` needs.
    let token: String?
    /// Its process, for RSS (nil for an external gateway without `--pid`).
    let pid: Int32?
    /// Its health port, for `/readyz` (nil for the floor).
    let httpPort: Int?
    let process: ChildProcess?
    /// Opens with `connect.challenge` (every OpenClaw gateway since protocol 3, the floor too);
    /// `--no-challenge` for gateways that wait for `connect` instead.
    var sendsChallenge = true

    /// Stops it if the harness started it.
    func stop() async {
        await process?.stop()
    }

    func residentKiB() -> Int? {
        pid.flatMap(ProcessMemory.residentKiB(of:))
    }
}
