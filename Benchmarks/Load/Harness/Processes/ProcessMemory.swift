import Foundation

/// Resident memory of a process, from `/proc/PID/status` (Linux).
enum ProcessMemory {
    /// `VmRSS` in KiB; nil if the process or the file is gone.
    static func residentKiB(of pid: Int32) -> Int? {
        field("VmRSS", of: pid)
    }

    /// `Threads`.
    static func threads(of pid: Int32) -> Int? {
        field("Threads", of: pid)
    }

    private static func field(_ name: String, of pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0.filter(\.isNumber)) }
        }
        return nil
    }

    /// The median of `samples` readings taken `interval` apart: RSS moves while allocators settle.
    static func settledResidentKiB(of pid: Int32, samples: Int = 5, interval: Duration = .milliseconds(200)) async -> Int? {
        var readings: [Int] = []
        for index in 0..<samples {
            if index > 0 { try? await Task.sleep(for: interval) }
            if let value = residentKiB(of: pid) { readings.append(value) }
        }
        guard !readings.isEmpty else { return nil }
        return readings.sorted()[readings.count / 2]
    }
}
