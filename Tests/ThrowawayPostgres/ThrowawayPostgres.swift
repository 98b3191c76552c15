import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of the tests' own: `initdb` in a fresh temporary directory (trust
/// authentication, UTF-8, `C.UTF-8` locale), listening on 127.0.0.1 at a free port and on a
/// Unix socket in that directory. Started by the test process itself, so `swift test` needs no
/// server prepared beforehand — only PostgreSQL's server binaries (`postgresql-15` on Debian;
/// `.ci/run` installs it when missing).
///
/// A watchdog process stops the server and removes the directory when the test process ends,
/// however it ends (a crash or `kill -9` included), so no server outlives its tests.
///
/// As root (CI containers), the server runs as the `postgres` user, which PostgreSQL requires.
public final class ThrowawayPostgres: Sendable {
    /// Why a server could not be started; the message says what to install or what failed.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let port: Int
    /// Holds the data directory (`data/`), the server log (`server.log`) and the socket.
    public let directory: String
    private let binaries: String

    /// The superuser, who owns every database the tests create.
    public static let user = "postgres"

    /// One server for the whole test process, started on first use.
    public static func shared() async throws -> ThrowawayPostgres {
        try await SharedServer.instance.value()
    }

    /// A server of its own, for tests that stop and start it.
    public static func start() async throws -> ThrowawayPostgres {
        let binaries = try findBinaries()
        let directory = try await makeDirectory()
        try await run(binaries + "/initdb", ["-D", directory + "/data", "-A", "trust", "-U", user, "-E", "UTF8", "--locale=C.UTF-8", "-N"])
        var lastFailure: (any Error)?
        // The free port is found by binding and releasing it; another process may take it in
        // between, so a failed start is retried on a new port.
        for _ in 0..<5 {
            let port = try freePort()
            let server = ThrowawayPostgres(port: port, directory: directory, binaries: binaries)
            do {
                try await server.startServer()
                server.watchOverTestProcess()
                return server
            } catch {
                lastFailure = error
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw lastFailure ?? Problem(description: "PostgreSQL did not start")
    }

    private init(port: Int, directory: String, binaries: String) {
        self.port = port
        self.directory = directory
        self.binaries = binaries
    }

    /// A URL for `database` on this server (over TCP, without TLS).
    public func url(database: String) -> String {
        "postgres://\(Self.user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates a new, empty database and returns its URL.
    public func createDatabase(prefix: String = "kubeclaw_test") async throws -> String {
        let name = prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Runs one SQL command as the superuser in database `postgres`.
    public func psql(_ command: String, database: String = "postgres") async throws {
        try await Self.run(
            binaries + "/psql",
            ["-h", "127.0.0.1", "-p", "\(port)", "-U", Self.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-c", command],
            asServerUser: false)
    }

    /// Starts the server (again) on its port and waits until it accepts connections.
    public func startServer() async throws {
        try await Self.run(binaries + "/pg_ctl", [
            "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60",
            "-o", "-c listen_addresses=127.0.0.1 -p \(port) -k \(directory) -c max_connections=300 -c log_min_messages=warning",
            "start",
        ])
    }

    /// Stops the server: `fast` ends every session at once (clients see their connections
    /// closed), as a database restart or failover does.
    public func stopServer() async throws {
        try await Self.run(binaries + "/pg_ctl", stopArguments)
    }

    private var stopArguments: [String] { ["-D", directory + "/data", "-m", "fast", "-w", "-t", "60", "stop"] }

    /// Stops the server and removes its directory (blocking: for `defer`, at a test's end).
    public func destroy() {
        _ = try? Self.runBlocking(binaries + "/pg_ctl", stopArguments)
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Process plumbing

    private static var isRoot: Bool { geteuid() == 0 }

    /// The directory of `initdb`, `pg_ctl` and `psql`: `KUBECLAW_PG_BIN`, else the newest
    /// `/usr/lib/postgresql/*/bin` (Debian's layout), else the one holding `initdb` on PATH.
    private static func findBinaries() throws -> String {
        let manager = FileManager.default
        if let configured = ProcessInfo.processInfo.environment["KUBECLAW_PG_BIN"] {
            return configured
        }
        let versions = ((try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where manager.isExecutableFile(atPath: "/usr/lib/postgresql/\(version)/bin/initdb") {
            return "/usr/lib/postgresql/\(version)/bin"
        }
        for entry in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where manager.isExecutableFile(atPath: "\(entry)/initdb") {
            return String(entry)
        }
        throw Problem(description: """
            PostgreSQL's server binaries (initdb, pg_ctl) were not found: install them \
            (Debian: apt-get install postgresql-15) or set KUBECLAW_PG_BIN to their directory
            """)
    }

    private static func makeDirectory() async throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kubeclaw-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if isRoot {
            try await run("/bin/chown", [user, directory], asServerUser: false)
        }
        return directory
    }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Problem(description: "cannot open a socket to find a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else { throw Problem(description: "cannot bind a socket to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `executable` to completion (as the `postgres` user when root and `asServerUser`);
    /// throws with its output when it fails. The wait (`initdb` and `pg_ctl -w` take seconds)
    /// is on a thread of its own, never on one of the few threads every task runs on.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], asServerUser: Bool = true) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try runBlocking(executable, arguments, asServerUser: asServerUser) })
            }.start()
        }
    }

    /// ``run(_:_:asServerUser:)`` on the calling thread.
    ///
    /// posix_spawn and waitpid rather than Foundation's `Process`, whose exit monitoring was
    /// seen to leave `runuser` unreaped (and the wait hanging) under the test runner.
    static func runBlocking(_ executable: String, _ arguments: [String], asServerUser: Bool = true) throws -> String {
        let argv = isRoot && asServerUser ? ["/usr/sbin/runuser", "-u", user, "--", executable] + arguments : [executable] + arguments
        // Output goes to a file, not a pipe: `pg_ctl start` leaves the server holding whatever
        // it inherited, and a pipe would then never reach its end.
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("kubeclaw-pg-output-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let status = try spawnAndWait(argv, outputPath: outputPath)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Problem(description: "\((executable as NSString).lastPathComponent) failed (\(status)): \(text)")
        }
        return text
    }

    /// Spawns `argv` with stdin from /dev/null and stdout and stderr into `outputPath`; returns
    /// its exit status (128 + the signal when a signal ended it).
    private static func spawnAndWait(_ argv: [String], outputPath: String) throws -> Int32 {
        let pid = try spawn(argv, stdout: (outputPath, O_WRONLY | O_CREAT | O_TRUNC))
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Problem(description: "waitpid failed for \(argv[0])") }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Spawns `argv` with stdin from /dev/null, stdout and stderr into `stdout` (a path and its
    /// open flags; /dev/null when nil), and **no other descriptor**: the test process holds
    /// sockets and pipes of its own (Foundation's `Process` learns that a child exited when the
    /// child's end of a socket pair closes; a server or a watchdog that inherited that end would
    /// keep every such wait from ever ending).
    private static func spawn(_ argv: [String], stdout: (path: String, flags: Int32)?) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout?.path ?? "/dev/null", stdout?.flags ?? O_WRONLY, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        try closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test process's threads block signals (Dispatch's do): the child starts with none blocked.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, environ)
        guard spawned == 0 else {
            throw Problem(description: "cannot start \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        return pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+; looked up at run time, as the
    /// Swift Glibc module does not import it): closes every descriptor from 3 up in the child,
    /// atomically with the spawn.
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) throws {
        guard let closeFrom, closeFrom(&actions, 3) == 0 else {
            throw Problem(description: "posix_spawn_file_actions_addclosefrom_np is missing (glibc 2.34 or newer is needed)")
        }
    }

    /// Leaves a shell behind that, once this process is gone, stops the server and removes the
    /// directory. It runs in its own session so the test process's end does not take it along.
    private func watchOverTestProcess() {
        let stop = "\(binaries)/pg_ctl -D \(directory)/data -m immediate -w stop"
        let stopAsServerUser = Self.isRoot ? "/usr/sbin/runuser -u \(Self.user) -- \(stop)" : stop
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            \(stopAsServerUser) >/dev/null 2>&1
            rm -rf '\(directory)'
            """
        _ = try? Self.spawn(["/usr/bin/setsid", "/bin/sh", "-c", script], stdout: nil)
    }
}

/// The process-wide server behind ``ThrowawayPostgres/shared()``: started once, by the first
/// test that asks; a failure is reported to every test that asks.
private actor SharedServer {
    static let instance = SharedServer()
    private var started: Task<ThrowawayPostgres, any Error>?

    func value() async throws -> ThrowawayPostgres {
        if let started { return try await started.value }
        let task = Task { try await ThrowawayPostgres.start() }
        started = task
        return try await task.value
    }
}
