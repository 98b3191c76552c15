#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback port that refuses connections while `body` runs: a TCP socket is bound to it and
/// never listens, so no other test can take the port meanwhile (a port that was merely free a
/// moment ago may already serve another test's simulator).
enum ClosedPort {
    /// Runs `body` with `http://127.0.0.1:<closed port>`.
    static func withURL<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        #if os(Linux)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw TestFailure("bind() failed: errno \(errno)") }
        return try await body("http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))")
    }
}
