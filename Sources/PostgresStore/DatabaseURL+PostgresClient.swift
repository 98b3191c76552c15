import NIOSSL
import PostgresNIO

extension DatabaseURL {
    /// The postgres-nio client settings for this URL: endpoint, credentials, TLS as libpq's
    /// `sslmode` means it, and the pool's size.
    func clientConfiguration(maximumConnections: Int) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case let .tcp(host, port):
            let tls: PostgresClient.Configuration.TLS
            switch try tlsSettings() {
            case nil: tls = .disable
            case let (settings, required)?: tls = required ? .require(settings) : .prefer(settings)
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        case .unixSocket:
            configuration = .init(
                unixSocketPath: endpoint.socketPath ?? "", username: username, password: password, database: database)
        }
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    /// The settings of a single connection (the event relay's listener) for this URL.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case let .tcp(host, port):
            let tls: PostgresConnection.Configuration.TLS
            switch try tlsSettings() {
            case nil: tls = .disable
            case let (settings, required)?:
                let context = try NIOSSLContext(configuration: settings)
                tls = required ? .require(context) : .prefer(context)
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        case .unixSocket:
            configuration = .init(
                unixSocketPath: endpoint.socketPath ?? "", username: username, password: password, database: database)
        }
        configuration.options.connectTimeout = .nanoseconds(Int64(connectTimeout / .nanoseconds(1)))
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    /// The TLS settings `sslmode` asks for, and whether TLS is required; nil for plain TCP.
    private func tlsSettings() throws -> (settings: TLSConfiguration, required: Bool)? {
        var settings = TLSConfiguration.makeClientConfiguration()
        if let rootCertificatePath {
            do {
                settings.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(rootCertificatePath))
            } catch {
                throw Problem(description: "cannot read sslrootcert \(rootCertificatePath) as PEM certificates")
            }
        }
        switch tls {
        case .disable:
            return nil
        case .prefer:
            settings.certificateVerification = .none
            return (settings, false)
        case .require:
            settings.certificateVerification = .none
            return (settings, true)
        case .verifyCA:
            settings.certificateVerification = .noHostnameVerification
            return (settings, true)
        case .verifyFull:
            settings.certificateVerification = .fullVerification
            return (settings, true)
        }
    }
}
