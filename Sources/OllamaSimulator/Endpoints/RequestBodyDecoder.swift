import NIOCore
import NIOHTTP1

/// Decodes a JSON request body, answering the client itself when it cannot: 400 with
/// `missing request body` for an empty body (Ollama's words) or the decoding problem otherwise.
struct RequestBodyDecoder: Sendable {
    let writer: ResponseWriter

    /// The decoded body, or nil once a 400 has been sent.
    func decode<Body: Decodable>(_ type: Body.Type, from body: ByteBuffer) async throws -> Body? {
        guard body.readableBytes > 0 else {
            try await writer.sendError(status: .badRequest, "missing request body")
            return nil
        }
        do {
            return try WireJSON.decode(type, from: body)
        } catch let error as BehaviourPatchError {
            try await writer.sendError(status: .badRequest, error.message)
        } catch let DecodingError.dataCorrupted(context) {
            try await writer.sendError(status: .badRequest, "invalid JSON body: \(context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context) {
            try await writer.sendError(status: .badRequest, "invalid JSON body: \(Self.describe(context))")
        } catch let DecodingError.keyNotFound(key, _) {
            try await writer.sendError(status: .badRequest, "invalid JSON body: missing \"\(key.stringValue)\"")
        } catch {
            try await writer.sendError(status: .badRequest, "invalid JSON body")
        }
        return nil
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "wrong type for \"\(path)\""
    }
}
