/// An RFC 6901 JSON pointer into the spec, used to say where a problem is.
struct JSONPointer: Hashable, Sendable, CustomStringConvertible, Comparable {
    private(set) var tokens: [String]

    static let root = JSONPointer(tokens: [])

    init(tokens: [String]) {
        self.tokens = tokens
    }

    var isRoot: Bool { tokens.isEmpty }

    func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [token])
    }

    func appending(_ index: Int) -> JSONPointer {
        appending(String(index))
    }

    var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined()
    }

    static func < (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
        lhs.tokens.lexicographicallyPrecedes(rhs.tokens)
    }
}
