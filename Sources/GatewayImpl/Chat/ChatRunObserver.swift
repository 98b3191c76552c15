/// Told how each chat run ended, once per run (the gateway's metrics implement it).
public protocol ChatRunObserver: Sendable {
    func chatRunEnded(_ report: ChatRunReport)
}
