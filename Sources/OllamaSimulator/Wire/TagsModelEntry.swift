/// One entry of `GET /api/tags`.
struct TagsModelEntry: Encodable, Sendable {
    var name: String
    var model: String
    var modifiedAt: String
    var size: Int64
    var digest: String
    var details: ModelDetailsBody

    enum CodingKeys: String, CodingKey {
        case name
        case model
        case modifiedAt = "modified_at"
        case size
        case digest
        case details
    }

    init(_ model: SimulatorModel) {
        self.name = model.name
        self.model = model.name
        self.modifiedAt = SimulatorModel.modifiedAt
        self.size = model.sizeInBytes
        self.digest = model.digest
        self.details = ModelDetailsBody(model)
    }
}
