/// The first place a value breaks its schema.
public struct SchemaViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON pointer of the offending value inside the validated value (`/` for the value itself).
    public var path: String
    /// What is wrong, in the words JSON Schema validators use.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "at \(path): \(message)" }
}
