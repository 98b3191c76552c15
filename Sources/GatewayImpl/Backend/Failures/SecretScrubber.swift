/// Removes credentials from text a provider sent back (error messages echo keys, proxies echo
/// headers) before it is logged, stored or shown: the provider's own key wherever it appears,
/// anything shaped like an OpenAI or Anthropic key, and `Bearer …` / `x-api-key …` values.
/// The result is cut to `maxLength` characters.
struct SecretScrubber: Sendable {
    static let placeholder = "[redacted]"

    /// Exact strings to remove (the configured keys); shorter than 4 characters are ignored,
    /// as replacing them would mangle ordinary words.
    let secrets: [String]
    var maxLength = 500

    func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where secret.count >= 4 {
            result = result.replacingOccurrences(of: secret, with: Self.placeholder)
        }
        result = result.replacing(#/(?i)bearer\s+[^\s",'}]+/#) { _ in "Bearer " + Self.placeholder }
        result = result.replacing(#/(?i)(x-api-key|api[-_]?key)(["']?\s*[:=]\s*["']?)[^\s",'}]+/#) { match in
            "\(match.output.1)\(match.output.2)\(Self.placeholder)"
        }
        // OpenAI (`sk-…`, `sk-proj-…`) and Anthropic (`sk-ant-…`) key shapes.
        result = result.replacing(#/sk-[A-Za-z0-9_\-]{8,}/#) { _ in Self.placeholder }
        if result.count > maxLength { result = String(result.prefix(maxLength)) + "…" }
        return result
    }
}
