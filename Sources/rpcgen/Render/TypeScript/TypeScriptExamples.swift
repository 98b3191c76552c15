/// `examples.json`: the spec's examples in the shape the mock gateway serves them — per method
/// its first valid example (params and result) and its invalid params with their error codes,
/// per event its first example payload.
enum TypeScriptExamples {
    static func render(_ spec: IRSpec) -> String {
        var lines = ["{"]
        lines.append("  \"protocols\": [\(spec.allProtocols.map(String.init).joined(separator: ", "))],")
        lines.append("  \"methods\": {")
        let methods = spec.methods.sorted { $0.name < $1.name }
        for (index, method) in methods.enumerated() {
            var members: [String] = []
            if let example = method.examples.first {
                members.append("\"params\": \(example.params)")
                members.append("\"result\": \(example.result)")
            }
            let invalid = method.invalid.map { "{\"params\": \($0.params), \"error\": \(TypeScriptIdentifier.literal($0.error))}" }
            members.append("\"invalid\": [" + invalid.joined(separator: ", ") + "]")
            lines.append("    \(TypeScriptIdentifier.literal(method.name)): {")
            lines.append(members.map { "      " + $0 }.joined(separator: ",\n"))
            lines.append("    }" + (index == methods.count - 1 ? "" : ","))
        }
        lines.append("  },")
        lines.append("  \"events\": {")
        let events = spec.events.filter { !$0.examples.isEmpty }.sorted { $0.name < $1.name }
        for (index, event) in events.enumerated() {
            lines.append("    \(TypeScriptIdentifier.literal(event.name)): \(event.examples[0])" + (index == events.count - 1 ? "" : ","))
        }
        lines.append("  }")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
