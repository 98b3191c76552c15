/// Every knob of a run, resolved from the command line (``--smoke`` shrinks them).
struct Settings: Sendable {
    /// rpc: connection counts, warm-up and measuring window (seconds).
    var rpcConnections = [16, 256]
    var rpcWarmup = 2.0
    var rpcDuration = 10.0
    /// handshake: how many, and how many at a time.
    var handshakes = 5_000
    var handshakeConcurrency = 100
    /// idle: connections held open.
    var idleConnections = 10_000
    /// stream: concurrent chats, the connections that send and watch them, and their starts'
    /// spread (seconds).
    var streams = 1_000
    var streamConnections = 10
    var streamSpread = 1.0
    /// The simulator's replies: pieces per reply and pieces per second.
    var pieces = 250
    var piecesPerSecond = 50.0
    /// fanout: watching connections and the chats streaming at once (a session each).
    var fanoutWatchers = 500
    var fanoutChats = 32
    /// startup: runs (the median is reported).
    var startupRuns = 5
    /// soak: duration (seconds), steady connections (one `health` per second each), connections
    /// replaced per second, chats started per second.
    var soakDuration = 600.0
    var soakConnections = 200
    var soakChurnPerSecond = 20
    var soakChatsPerSecond = 1.0
    /// stream and fanout: also run on this many gateways sharing one PostgreSQL database
    /// (1: only the single process).
    var replicas = 1
    /// The replicas' database; nil: the harness starts a throwaway PostgreSQL.
    var databaseURL: String?
    /// Whether the echo floor runs beside every scenario.
    var floor = true
    var smoke = false

    /// About ten seconds per scenario: the harness working, not numbers.
    mutating func shrinkForSmoke() {
        smoke = true
        rpcConnections = [16]
        rpcWarmup = 0.5
        rpcDuration = 2
        handshakes = 200
        idleConnections = 200
        streams = 40
        streamConnections = 4
        pieces = 25
        fanoutWatchers = 40
        fanoutChats = 4
        startupRuns = 1
        soakDuration = 6
        soakConnections = 20
        soakChurnPerSecond = 5
    }
}
