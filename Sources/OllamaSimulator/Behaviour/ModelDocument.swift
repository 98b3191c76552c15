/// A model as the control endpoint reads and writes it: either a bare name (`"qwen2.5:14b"`,
/// everything else inferred) or an object with `name` and any of `context_length`,
/// `family`, `parameter_size`, `quantization_level`.
struct ModelDocument: Codable, Sendable {
    var model: SimulatorModel

    init(_ model: SimulatorModel) {
        self.model = model
    }

    enum CodingKeys: String, CodingKey {
        case name
        case contextLength = "context_length"
        case family
        case parameterSize = "parameter_size"
        case quantizationLevel = "quantization_level"
    }

    init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self.model = SimulatorModel(name: name)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let inferred = SimulatorModel(name: try container.decode(String.self, forKey: .name))
        self.model = SimulatorModel(
            name: inferred.name,
            contextLength: try container.decodeIfPresent(Int.self, forKey: .contextLength) ?? inferred.contextLength,
            family: try container.decodeIfPresent(String.self, forKey: .family) ?? inferred.family,
            parameterSize: try container.decodeIfPresent(String.self, forKey: .parameterSize) ?? inferred.parameterSize,
            quantizationLevel: try container.decodeIfPresent(String.self, forKey: .quantizationLevel)
                ?? inferred.quantizationLevel
        )
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model.name, forKey: .name)
        try container.encode(model.contextLength, forKey: .contextLength)
        try container.encode(model.family, forKey: .family)
        try container.encode(model.parameterSize, forKey: .parameterSize)
        try container.encode(model.quantizationLevel, forKey: .quantizationLevel)
    }
}
