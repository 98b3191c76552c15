/// A shell-style pattern over case ids: `*` matches any run of characters (slashes included),
/// `?` exactly one; everything else matches itself.
public struct GlobPattern: Sendable, Equatable {
    public let pattern: String

    public init(_ pattern: String) {
        self.pattern = pattern
    }

    public func matches(_ text: String) -> Bool {
        Self.match(Array(pattern), Array(text))
    }

    /// Iterative wildcard matching with backtracking to the last `*`: linear in practice.
    private static func match(_ pattern: [Character], _ text: [Character]) -> Bool {
        var p = 0, t = 0
        var star: Int?, resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
