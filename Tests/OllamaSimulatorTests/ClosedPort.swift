#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback port that refuses connections while `body` runs: a TCP socket is bound to it and
/// never listens, so no test running in parallel can take it meanwhile (a port freed a moment
/// ago may already serve another test's simulator).
enum ClosedPort {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func withPort<Result>(_ body: (Int) async throws -> Result) async throws -> Result {
        #if os(Linux)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
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
        guard bound else { throw Failure(description: "bind() failed: errno \(errno)") }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }
}
