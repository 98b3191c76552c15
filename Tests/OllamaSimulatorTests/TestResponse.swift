import NIOHTTP1

/// A whole HTTP response, as a test reads it.
struct TestResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    /// The body as a JSON object; an empty object when it is not one, so assertions fail by value.
    var json: [String: Any] {
        SimulatorHTTP.object(body) ?? [:]
    }
}
