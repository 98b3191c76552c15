import GeneratedProtocol

/// A partial update of the behaviour, as sent to `POST /_sim/behaviour`: a field that is
/// absent stays as it is, a field set to `null` returns to its default, any other value
/// replaces it. Unknown fields are rejected, so a typo cannot silently do nothing.
struct BehaviourPatch: Decodable, Sendable {
    private var changes: [BehaviourKey: JSONValue] = [:]
    private var models: [SimulatorModel]?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys {
            guard let field = BehaviourKey(rawValue: key.stringValue) else {
                let known = BehaviourKey.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(
                    forKey: key,
                    in: container,
                    debugDescription: "unknown field \"\(key.stringValue)\"; known fields: \(known)"
                )
            }
            if field == .models, try !container.decodeNil(forKey: key) {
                models = try container.decode([ModelDocument].self, forKey: key).map(\.model)
            }
            changes[field] = try container.decode(JSONValue.self, forKey: key)
        }
    }

    /// Applies the changes, or throws without touching `behaviour` if any value has the wrong type.
    func apply(to behaviour: inout SimulatorBehaviour) throws(BehaviourPatchError) {
        var updated = behaviour
        let defaults = SimulatorBehaviour()
        // Keys in a fixed order, so `reply`, `echo` and `timestamps` in one patch resolve the same way every time.
        for key in BehaviourKey.allCases {
            guard let value = changes[key] else { continue }
            switch key {
            case .models:
                updated.models = models ?? defaults.models
            case .reply:
                updated.reply = value == .null ? defaults.reply : .text(try string(value, key))
            case .echo:
                if value != .null, try bool(value, key) {
                    updated.reply = .echo
                } else if updated.reply == .echo {
                    updated.reply = defaults.reply
                }
            case .timestamps:
                if value != .null {
                    updated.reply = .timestamps(count: try count(value, key))
                } else if case .timestamps = updated.reply {
                    updated.reply = defaults.reply
                }
            case .tokenization:
                if value == .null {
                    updated.tokenization = defaults.tokenization
                } else {
                    let name = try string(value, key)
                    guard let tokenization = SimulatorTokenization(rawValue: name) else {
                        throw BehaviourPatchError(field: key.rawValue, expected: "words, characters or whole")
                    }
                    updated.tokenization = tokenization
                }
            case .tokensPerSecond:
                updated.tokensPerSecond = value == .null ? defaults.tokensPerSecond : try nonNegative(value, key)
            case .firstTokenDelayMilliseconds:
                updated.timeToFirstToken =
                    value == .null ? defaults.timeToFirstToken : .milliseconds(try count(value, key))
            case .errorStatus:
                if value == .null {
                    updated.errorStatus = nil
                } else {
                    let status = try count(value, key)
                    guard (400...599).contains(status) else {
                        throw BehaviourPatchError(field: key.rawValue, expected: "an HTTP error status (400-599)")
                    }
                    updated.errorStatus = status
                }
            case .errorMessage:
                updated.errorMessage = value == .null ? nil : try string(value, key)
            case .cutAfter:
                updated.cutAfterChunks = value == .null ? nil : try count(value, key)
            case .hang:
                updated.hang = value == .null ? defaults.hang : try bool(value, key)
            case .malformedAfter:
                updated.malformedLineAfterChunks = value == .null ? nil : try count(value, key)
            case .pullFails:
                updated.pullFails = value == .null ? defaults.pullFails : try bool(value, key)
            case .version:
                updated.version = value == .null ? defaults.version : try string(value, key)
            case .errorType:
                updated.errorType = value == .null ? nil : try string(value, key)
            case .errorCount:
                updated.errorCount = value == .null ? nil : try count(value, key)
            case .retryAfter:
                updated.retryAfter = value == .null ? nil : try string(value, key)
            case .streamErrorAfter:
                updated.streamErrorAfterChunks = value == .null ? nil : try count(value, key)
            case .injectText:
                updated.injectedText = value == .null ? nil : try string(value, key)
            case .injectAfter:
                updated.injectAfterChunks = value == .null ? nil : try count(value, key)
            case .apiKey:
                updated.apiKey = value == .null ? nil : try string(value, key)
            case .endless:
                updated.endless = value == .null ? defaults.endless : try bool(value, key)
            }
        }
        behaviour = updated
    }

    private func string(_ value: JSONValue, _ key: BehaviourKey) throws(BehaviourPatchError) -> String {
        guard case .string(let text) = value else { throw BehaviourPatchError(field: key.rawValue, expected: "a string") }
        return text
    }

    private func bool(_ value: JSONValue, _ key: BehaviourKey) throws(BehaviourPatchError) -> Bool {
        guard case .bool(let flag) = value else { throw BehaviourPatchError(field: key.rawValue, expected: "true or false") }
        return flag
    }

    private func count(_ value: JSONValue, _ key: BehaviourKey) throws(BehaviourPatchError) -> Int {
        guard let number = value.doubleValue, number >= 0, number.rounded() == number, number < 1e12 else {
            throw BehaviourPatchError(field: key.rawValue, expected: "a whole number, 0 or more")
        }
        return Int(number)
    }

    private func nonNegative(_ value: JSONValue, _ key: BehaviourKey) throws(BehaviourPatchError) -> Double {
        guard let number = value.doubleValue, number >= 0, number.isFinite else {
            throw BehaviourPatchError(field: key.rawValue, expected: "a number, 0 or more")
        }
        return number
    }
}
