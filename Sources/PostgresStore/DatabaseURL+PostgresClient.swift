import NIOSSL
import PostgresNIO

extension DatabaseURL {
    /// The postgres-nio client settings for this URL: endpoint, credentials, TLS as libpq's
    /// `sslmode` means it, and the pool's size.
    func clientConfiguration(maximumConnections: Int) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case let .tcp(host, port):
            configuration = .init(
                host: host, port: port, username: username, password: password, database: database, tls: try clientTLS())
        case .unixSocket:
            configuration = .init(
                unixSocketPath: endpoint.socketPath ?? "", username: username, password: password, database: database)
        }
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    private func clientTLS() throws -> PostgresClient.Configuration.TLS {
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
            return .disable
        case .prefer:
            settings.certificateVerification = .none
            return .prefer(settings)
        case .require:
            settings.certificateVerification = .none
            return .require(settings)
        case .verifyCA:
            settings.certificateVerification = .noHostnameVerification
            return .require(settings)
        case .verifyFull:
            settings.certificateVerification = .fullVerification
            return .require(settings)
        }
    }
}
