/// The `details` object shared by `/api/tags` and `/api/show`.
struct ModelDetailsBody: Encodable, Sendable {
    var parentModel: String
    var format: String
    var family: String
    var families: [String]
    var parameterSize: String
    var quantizationLevel: String

    enum CodingKeys: String, CodingKey {
        case parentModel = "parent_model"
        case format
        case family
        case families
        case parameterSize = "parameter_size"
        case quantizationLevel = "quantization_level"
    }

    init(_ model: SimulatorModel) {
        self.parentModel = ""
        self.format = "gguf"
        self.family = model.family
        self.families = [model.family]
        self.parameterSize = model.parameterSize
        self.quantizationLevel = model.quantizationLevel
    }
}
