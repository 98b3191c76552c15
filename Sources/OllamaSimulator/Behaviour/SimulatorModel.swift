import Foundation

/// A model the simulator claims to have pulled: it appears in `/api/tags`, answers
/// `/api/show`, and may be chatted with. Every derived value (digest, size) is a pure
/// function of these fields, so two runs report identical bytes.
public struct SimulatorModel: Sendable, Hashable {
    /// The full name with tag, e.g. `qwen2.5:14b`. A name without a tag means `:latest`.
    public var name: String
    /// Reported as `model_info["<family>.context_length"]` by `/api/show`.
    public var contextLength: Int
    /// The architecture family, e.g. `qwen2` or `llama`.
    public var family: String
    /// Human form of the parameter count, e.g. `14.8B`, reported as `details.parameter_size`.
    public var parameterSize: String
    /// Reported as `details.quantization_level`.
    public var quantizationLevel: String

    public init(
        name: String,
        contextLength: Int,
        family: String,
        parameterSize: String,
        quantizationLevel: String = "Q4_K_M"
    ) {
        self.name = SimulatorModel.canonicalName(name)
        self.contextLength = contextLength
        self.family = family
        self.parameterSize = parameterSize
        self.quantizationLevel = quantizationLevel
    }

    /// A model described by its name alone; family, size and context length are inferred
    /// from well-known names (`qwen2.5:14b` → family `qwen2`, `14B`, 32768 tokens) and
    /// fall back to neutral values for anything else.
    public init(name: String) {
        let canonical = SimulatorModel.canonicalName(name)
        let base = canonical.split(separator: ":").first.map(String.init) ?? canonical
        let tag = canonical.split(separator: ":").dropFirst().first.map(String.init) ?? "latest"
        let family: String
        let contextLength: Int
        switch base.lowercased() {
        case let b where b.hasPrefix("qwen3"):
            family = "qwen3"
            contextLength = 40_960
        case let b where b.hasPrefix("qwen2"):
            family = "qwen2"
            contextLength = 32_768
        case let b where b.hasPrefix("llama3"):
            family = "llama"
            contextLength = 131_072
        case let b where b.hasPrefix("gemma"):
            family = "gemma3"
            contextLength = 131_072
        case let b where b.hasPrefix("mistral"):
            family = "llama"
            contextLength = 32_768
        default:
            family = String(base.lowercased().prefix { $0.isLetter })
            contextLength = 8_192
        }
        self.init(
            name: canonical,
            contextLength: contextLength,
            family: family.isEmpty ? "llama" : family,
            parameterSize: SimulatorModel.parameterSize(fromTag: tag)
        )
    }

    /// The name as the OpenAI and Anthropic faces show it: without the `:latest` Ollama adds.
    public var apiName: String {
        name.hasSuffix(":latest") ? String(name.dropLast(":latest".count)) : name
    }

    /// Ollama resolves a name without a tag to `:latest`.
    static func canonicalName(_ name: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        // A colon after the last slash separates the tag; one before it belongs to a registry host.
        let lastComponent = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        return lastComponent.contains(":") ? trimmed : trimmed + ":latest"
    }

    /// `14b` → `14B`, `0.5b` → `0.5B`; tags that do not name a size report `7B`.
    static func parameterSize(fromTag tag: String) -> String {
        let sizePart = tag.split(separator: "-").first.map(String.init) ?? tag
        let lower = sizePart.lowercased()
        guard let unit = lower.last, unit == "b" || unit == "m" else { return "7B" }
        let number = lower.dropLast()
        guard !number.isEmpty, Double(number) != nil else { return "7B" }
        return number + String(unit).uppercased()
    }

    /// Fixed, so `/api/tags` is byte-for-byte repeatable.
    static let modifiedAt = "2025-01-15T10:30:00.123456789Z"

    /// The parameter count behind `parameterSize`, e.g. `14.8B` → 14 800 000 000.
    var parameterCount: Int64 {
        let lower = parameterSize.lowercased()
        guard let unit = lower.last, let number = Double(lower.dropLast()) else { return 7_000_000_000 }
        let scale: Double = unit == "m" ? 1_000_000 : 1_000_000_000
        return Int64(number * scale)
    }

    /// Roughly what a 4-bit quantized file of this many parameters weighs.
    var sizeInBytes: Int64 {
        parameterCount * 6 / 10
    }

    /// A stable 64-hex-digit stand-in for the manifest digest, derived from the name.
    var digest: String {
        var hex = ""
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for round in 0..<4 {
            for byte in (name + "#\(round)").utf8 {
                state ^= UInt64(byte)
                state = state &* 0x100_0000_01b3
            }
            let word = String(state, radix: 16)
            hex += String(repeating: "0", count: 16 - word.count) + word
        }
        return hex
    }
}
