/// The command line of `rpcgen`, parsed by hand to keep the generator Foundation-only.
struct Arguments: Equatable {
    enum Command: Equatable {
        /// Render files into a directory.
        case generate(spec: String, output: String, renderers: [String], check: Bool)
        /// Parse and validate only.
        case validate(spec: String)
        /// Print the files a renderer writes (for build plugins).
        case listOutputs(renderers: [String])
        case help
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static let usage = """
        usage: rpcgen generate --spec FILE --output DIR --renderer NAME [--renderer NAME …] [--check]
               rpcgen validate --spec FILE
               rpcgen list-outputs --renderer NAME [--renderer NAME …]

        generate      render the spec with each renderer into DIR (files are only rewritten when they change)
          --check     write nothing; exit 1 and name each file in DIR that differs from what would be rendered
        validate      parse and check the spec, print problems
        list-outputs  print the file names the renderers write
        """

    static func parse(_ arguments: [String]) throws -> Command {
        guard let verb = arguments.first else { return .help }
        var spec: String?, output: String?, renderers: [String] = [], check = false
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            func value() throws -> String {
                guard let value = rest.popFirst(), !value.hasPrefix("--") else {
                    throw UsageError(description: "\(flag) needs a value")
                }
                return value
            }
            switch flag {
            case "--spec": spec = try value()
            case "--output": output = try value()
            case "--renderer": renderers.append(try value())
            case "--check": check = true
            case "--help", "-h": return .help
            default: throw UsageError(description: "unknown option '\(flag)'")
            }
        }
        switch verb {
        case "generate":
            guard let spec else { throw UsageError(description: "generate needs --spec") }
            guard let output else { throw UsageError(description: "generate needs --output") }
            guard !renderers.isEmpty else { throw UsageError(description: "generate needs at least one --renderer") }
            return .generate(spec: spec, output: output, renderers: renderers, check: check)
        case "validate":
            guard let spec else { throw UsageError(description: "validate needs --spec") }
            return .validate(spec: spec)
        case "list-outputs":
            return .listOutputs(renderers: renderers)
        case "help", "--help", "-h":
            return .help
        default:
            throw UsageError(description: "unknown command '\(verb)'")
        }
    }
}
