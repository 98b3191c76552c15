/// A control-endpoint field with a value of the wrong kind; answered as 400 `{"error":…}`.
struct BehaviourPatchError: Error, Sendable {
    var field: String
    var expected: String

    var message: String {
        "\"\(field)\" must be \(expected)"
    }
}
