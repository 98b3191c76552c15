import Foundation

/// Writes rendered files, touching only those whose content changed so that incremental
/// builds recompile only what the spec change affects.
struct OutputWriter {
    let directory: URL

    func write(_ files: [RenderedFile]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            let url = directory.appendingPathComponent(file.name)
            let data = Data(file.contents.utf8)
            if (try? Data(contentsOf: url)) == data { continue }
            try data.write(to: url, options: .atomic)
        }
    }

    /// Names of files whose content on disk differs from `files` (or that are missing).
    func staleFiles(_ files: [RenderedFile]) throws -> [String] {
        files.filter { (try? Data(contentsOf: directory.appendingPathComponent($0.name))) != Data($0.contents.utf8) }.map(\.name)
    }
}
