import NIOCore

/// The echo server's command line, parsed by hand: the floor links nothing but SwiftNIO.
struct EchoServerOptions {
    var host = "127.0.0.1"
    var port = 0
    /// Event loop threads; the default matches the gateway's (`System.coreCount`).
    var threads = System.coreCount

    static let usage = "usage: bench-echo-server [--host ADDRESS] [--port PORT (0: any free port)] [--threads N]"

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw Problem(description: "\(flag) needs a value") }
            switch flag {
            case "--host":
                host = value
            case "--port":
                guard let port = Int(value), (0...65_535).contains(port) else { throw Problem(description: "--port must be 0...65535") }
                self.port = port
            case "--threads":
                guard let threads = Int(value), (1...64).contains(threads) else { throw Problem(description: "--threads must be 1...64") }
                self.threads = threads
            default:
                throw Problem(description: "unknown option \(flag)")
            }
        }
    }
}
