import Foundation
import Testing

/// Every integer a client can send is bounded in the spec: a handler then never sees a number
/// whose arithmetic could trap (`activeMinutes × 60 000`, `timeoutMs + 60 000`), because the
/// dispatcher refuses it with `INVALID_REQUEST` first. This walks every method's params — through
/// `$ref`s, nested objects, arrays and `anyOf` branches — and names each unbounded integer.
@Suite("Client numbers are bounded in the spec")
struct ClientNumberBoundsTests {
    @Test("every integer reachable from a method's params has a minimum and a maximum")
    func everyClientIntegerIsBounded() throws {
        let data = try Data(contentsOf: TestPaths.spec)
        let spec = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let definitions = try #require(spec["definitions"] as? [String: Any])
        let methods = try #require(spec["methods"] as? [String: Any])
        var walker = BoundsWalker(definitions: definitions)
        for (name, method) in methods.sorted(by: { $0.key < $1.key }) {
            guard let params = (method as? [String: Any])?["params"] else { continue }
            walker.walk(params, path: "\(name).params")
        }
        #expect(walker.visitedIntegers > 10, "the walk found too few integers to be walking the params")
        #expect(walker.unbounded.isEmpty, "unbounded client integers (add minimum/maximum):\n\(walker.unbounded.joined(separator: "\n"))")
    }
}

/// Depth-first walk of a schema node collecting integer nodes without both bounds.
private struct BoundsWalker {
    let definitions: [String: Any]
    var unbounded: [String] = []
    var visitedIntegers = 0
    private var expanding: Set<String> = []

    init(definitions: [String: Any]) {
        self.definitions = definitions
    }

    mutating func walk(_ node: Any, path: String) {
        guard let schema = node as? [String: Any] else { return }
        if let reference = schema["$ref"] as? String {
            let name = String(reference.split(separator: "/").last ?? "")
            guard !expanding.contains(name), let target = definitions[name] else { return }
            expanding.insert(name)
            walk(target, path: path)
            expanding.remove(name)
            return
        }
        if Self.isInteger(schema["type"]) {
            visitedIntegers += 1
            if schema["minimum"] == nil || schema["maximum"] == nil { unbounded.append(path) }
        }
        for (name, property) in (schema["properties"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            walk(property, path: "\(path).\(name)")
        }
        if let items = schema["items"] { walk(items, path: "\(path)[]") }
        if let additional = schema["additionalProperties"] as? [String: Any] { walk(additional, path: "\(path).*") }
        for (index, branch) in (schema["anyOf"] as? [Any] ?? []).enumerated() {
            walk(branch, path: "\(path)|\(index)")
        }
    }

    private static func isInteger(_ type: Any?) -> Bool {
        if let type = type as? String { return type == "integer" }
        return (type as? [String])?.contains("integer") ?? false
    }
}
