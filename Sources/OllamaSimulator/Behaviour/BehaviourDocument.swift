/// The whole behaviour as JSON, returned by `GET /_sim/behaviour` and by a successful
/// `POST`, in the same field names a patch uses; every field is present (`null` when unset).
struct BehaviourDocument: Encodable, Sendable {
    var behaviour: SimulatorBehaviour

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: BehaviourKey.self)
        try container.encode(behaviour.models.map(ModelDocument.init), forKey: .models)
        switch behaviour.reply {
        case .text(let text):
            try container.encode(text, forKey: .reply)
            try container.encode(false, forKey: .echo)
            try container.encodeNil(forKey: .timestamps)
        case .echo:
            try container.encodeNil(forKey: .reply)
            try container.encode(true, forKey: .echo)
            try container.encodeNil(forKey: .timestamps)
        case .timestamps(let count):
            try container.encodeNil(forKey: .reply)
            try container.encode(false, forKey: .echo)
            try container.encode(count, forKey: .timestamps)
        }
        try container.encode(behaviour.tokenization.rawValue, forKey: .tokenization)
        try container.encode(behaviour.tokensPerSecond, forKey: .tokensPerSecond)
        let delay = behaviour.timeToFirstToken.components
        let milliseconds = delay.seconds * 1_000 + delay.attoseconds / 1_000_000_000_000_000
        try container.encode(milliseconds, forKey: .firstTokenDelayMilliseconds)
        try container.encode(behaviour.errorStatus, forKey: .errorStatus)
        try container.encode(behaviour.errorMessage, forKey: .errorMessage)
        try container.encode(behaviour.cutAfterChunks, forKey: .cutAfter)
        try container.encode(behaviour.hang, forKey: .hang)
        try container.encode(behaviour.malformedLineAfterChunks, forKey: .malformedAfter)
        try container.encode(behaviour.pullFails, forKey: .pullFails)
        try container.encode(behaviour.version, forKey: .version)
        try container.encode(behaviour.errorType, forKey: .errorType)
        try container.encode(behaviour.errorCount, forKey: .errorCount)
        try container.encode(behaviour.retryAfter, forKey: .retryAfter)
        try container.encode(behaviour.streamErrorAfterChunks, forKey: .streamErrorAfter)
        try container.encode(behaviour.injectedText, forKey: .injectText)
        try container.encode(behaviour.injectAfterChunks, forKey: .injectAfter)
        // Whether a key is required, never the key itself.
        try container.encode(behaviour.apiKey == nil ? nil : "set", forKey: .apiKey)
        try container.encode(behaviour.endless, forKey: .endless)
    }
}
