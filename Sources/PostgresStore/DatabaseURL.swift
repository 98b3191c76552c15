import Foundation

/// A PostgreSQL connection URL as libpq reads it, the subset a gateway needs:
/// `postgres://user:password@host:port/database?sslmode=…&sslrootcert=…`
/// (`postgresql://` too; `host=/dir` in the query for a Unix socket directory, as libpq).
///
/// Parsing never traps and never echoes the password: every problem names the part that is
/// wrong, and ``description`` shows the URL with the password replaced.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// How the connection is encrypted (libpq's `sslmode`).
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without verifying its certificate (libpq's default).
        case prefer
        /// TLS or no connection, without verifying the certificate.
        case require
        /// TLS, the certificate checked against the trusted roots, the host name not.
        case verifyCA = "verify-ca"
        /// TLS, the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    /// Where the server listens.
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The directory of the server's socket (`/var/run/postgresql`) and its port, which
        /// names the socket file (`.s.PGSQL.5432`).
        case unixSocket(directory: String, port: Int)

        /// The socket file's path, for a Unix socket endpoint.
        public var socketPath: String? {
            guard case let .unixSocket(directory, port) = self else { return nil }
            return (directory.hasSuffix("/") ? directory : directory + "/") + ".s.PGSQL.\(port)"
        }
    }

    public var endpoint: Endpoint
    public var username: String
    /// Never shown: ``description`` prints `***` in its place.
    public var password: String?
    /// nil: the server's default (the user's name).
    public var database: String?
    public var tls: TLSMode
    /// A PEM file of the roots to trust (`sslrootcert`); nil trusts the system's.
    public var rootCertificatePath: String?
    /// What `pg_stat_activity` shows for the gateway's connections (`application_name`).
    public var applicationName: String
    /// Longest wait for a new connection (`connect_timeout`, seconds); default 5 s.
    public var connectTimeout: Duration

    /// Why a URL was refused; the text never holds the password.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static let defaultPort = 5432

    public init(_ text: String) throws(Problem) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") else {
            throw Problem(description: "a database URL starts with postgres:// or postgresql://")
        }
        guard let components = URLComponents(string: trimmed) else {
            throw Problem(description: "the database URL is not a valid URL (percent-encode special characters in the password)")
        }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value else { continue }
            parameters[item.name] = value
        }
        let known: Set<String> = ["sslmode", "sslrootcert", "host", "port", "application_name", "connect_timeout"]
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw Problem(description: "the database URL has an unknown parameter '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }

        let port: Int
        if let text = parameters["port"] {
            guard let value = Int(text), (1...65535).contains(value) else {
                throw Problem(description: "the database port must be 1...65535, got '\(text)'")
            }
            port = value
        } else {
            port = components.port ?? Self.defaultPort
            guard (1...65535).contains(port) else { throw Problem(description: "the database port must be 1...65535") }
        }
        if let socketDirectory = parameters["host"], socketDirectory.hasPrefix("/") {
            endpoint = .unixSocket(directory: socketDirectory, port: port)
        } else {
            var host = parameters["host"] ?? components.host ?? ""
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else {
                throw Problem(description: "the database URL names no host (postgres://user@HOST:5432/db)")
            }
            endpoint = .tcp(host: host, port: port)
        }

        guard let user = components.user, !user.isEmpty else {
            throw Problem(description: "the database URL names no user (postgres://USER:password@host/db)")
        }
        username = user
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.contains("/") else {
            throw Problem(description: "the database name may not contain '/'")
        }
        database = path.isEmpty ? nil : path

        if let mode = parameters["sslmode"] {
            guard let value = TLSMode(rawValue: mode) else {
                throw Problem(description: "sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(mode)'")
            }
            tls = value
        } else {
            // libpq's default; a Unix socket is never encrypted.
            tls = endpoint.socketPath == nil ? .prefer : .disable
        }
        if endpoint.socketPath != nil, tls != .disable, parameters["sslmode"] != nil {
            throw Problem(description: "sslmode \(tls.rawValue) does not apply to a Unix socket; use sslmode=disable or omit it")
        }
        rootCertificatePath = parameters["sslrootcert"]
        applicationName = parameters["application_name"] ?? "kubeclaw"
        if let text = parameters["connect_timeout"] {
            guard let seconds = Int(text), (1...3600).contains(seconds) else {
                throw Problem(description: "connect_timeout must be 1...3600 seconds, got '\(text)'")
            }
            connectTimeout = .seconds(seconds)
        } else {
            connectTimeout = .seconds(5)
        }
    }

    /// The URL with the password replaced by `***`: safe for logs, `config.get` and status.
    public var description: String {
        var text = "postgres://" + Self.escaped(username)
        if password != nil { text += ":***" }
        switch endpoint {
        case let .tcp(host, port):
            text += "@" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        case let .unixSocket(directory, port):
            text += "@"
            text += "/" + Self.escaped(database ?? "") + "?host=\(directory)&port=\(port)"
            return text + (tls == .disable ? "" : "&sslmode=\(tls.rawValue)")
        }
        text += "/" + Self.escaped(database ?? "")
        return text + "?sslmode=\(tls.rawValue)"
    }

    /// As ``description``: `debugPrint`, `String(reflecting:)` and test failure messages never
    /// show the password either.
    public var debugDescription: String { description }

    /// `dump` and reflection see the redacted URL only.
    public var customMirror: Mirror { Mirror(self, children: ["url": description]) }

    private static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@/"))) ?? text
    }
}
