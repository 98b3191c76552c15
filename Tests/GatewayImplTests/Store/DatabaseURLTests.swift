import PostgresStore
import Testing

/// `--database-url` / `DATABASE_URL`: what is accepted, what is refused and how, and that the
/// password never shows.
@Suite("Database URL")
struct DatabaseURLTests {
    @Test("a full URL: user, percent-encoded password, host, port, database, sslmode, application name")
    func full() throws {
        let url = try DatabaseURL("postgresql://kube%40claw:p%3Ass%2Fw0rd@db.internal:6543/sessions?sslmode=verify-full&application_name=gw-1")
        #expect(url.username == "kube@claw")
        #expect(url.password == "p:ss/w0rd")
        #expect(url.endpoint == .tcp(host: "db.internal", port: 6543))
        #expect(url.database == "sessions")
        #expect(url.tls == .verifyFull)
        #expect(url.applicationName == "gw-1")
    }

    @Test("defaults: port 5432, sslmode prefer (libpq's), no database (the server's default), 5 s connect timeout")
    func defaults() throws {
        let url = try DatabaseURL("postgres://kc@db")
        #expect(url.endpoint == .tcp(host: "db", port: 5432))
        #expect(url.tls == .prefer)
        #expect(url.database == nil)
        #expect(url.password == nil)
        #expect(url.connectTimeout == .seconds(5))
        #expect(url.applicationName == "kubeclaw")
    }

    @Test("an IPv6 host in brackets, and a Unix socket directory in host=")
    func hosts() throws {
        #expect(try DatabaseURL("postgres://kc@[::1]:5433/db").endpoint == .tcp(host: "::1", port: 5433))
        let socket = try DatabaseURL("postgres://kc@/db?host=/var/run/postgresql&port=5433")
        #expect(socket.endpoint == .unixSocket(directory: "/var/run/postgresql", port: 5433))
        #expect(socket.endpoint.socketPath == "/var/run/postgresql/.s.PGSQL.5433")
        #expect(socket.tls == .disable)
    }

    @Test("the description hides the password and keeps everything else")
    func description() throws {
        let url = try DatabaseURL("postgres://kc:hunter2-secret@db:5432/kubeclaw?sslmode=require")
        #expect(url.description == "postgres://kc:***@db:5432/kubeclaw?sslmode=require")
        #expect(!url.description.contains("hunter2"))
        #expect(try DatabaseURL("postgres://kc@[::1]/db").description == "postgres://kc@[::1]:5432/db?sslmode=prefer")
    }

    @Test("refused, each with a reason that never holds the password", arguments: [
        ("mysql://kc:hunter2@db/x", "starts with postgres://"),
        ("postgres://:hunter2@db/x", "names no user"),
        ("postgres://kc:hunter2@/x", "names no host"),
        ("postgres://kc:hunter2@db:0/x", "port must be 1...65535"),
        ("postgres://kc:hunter2@db/x?port=70000", "port must be 1...65535"),
        ("postgres://kc:hunter2@db/x?sslmode=sometimes", "sslmode must be one of"),
        ("postgres://kc:hunter2@db/x?pool=9", "unknown parameter 'pool'"),
        ("postgres://kc:hunter2@db/x?connect_timeout=0", "connect_timeout must be"),
        ("postgres://kc:hunter2@db/a/b", "may not contain '/'"),
        ("postgres://kc:hunter2@/db?host=/run/pg&sslmode=require", "does not apply to a Unix socket"),
    ])
    func refused(_ text: String, _ reason: String) {
        #expect {
            _ = try DatabaseURL(text)
        } throws: { error in
            let message = "\(error)"
            return message.contains(reason) && !message.contains("hunter2")
        }
    }
}
