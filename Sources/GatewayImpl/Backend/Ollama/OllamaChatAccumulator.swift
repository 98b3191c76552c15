import Foundation
import NIOCore

/// Turns the lines of a streamed `/api/chat` reply into text increments and, at the final
/// line, the completion.
struct OllamaChatAccumulator: Sendable {
    private var text = ""

    /// Reads one line. Returns the content it adds (if any) and, for the final line, the completion.
    mutating func consume(_ line: ByteBuffer) throws(ModelBackendError) -> (delta: String?, completion: ModelChatCompletion?) {
        // Blank lines carry nothing; tolerate them as Ollama's own client does.
        guard line.readableBytesView.contains(where: { !Self.isWhitespace($0) }) else { return (nil, nil) }
        let chunk: OllamaChatChunk
        do {
            chunk = try JSONDecoder().decode(OllamaChatChunk.self, from: Data(line.readableBytesView))
        } catch {
            throw .malformedResponse("a reply line is not valid JSON")
        }
        if let message = chunk.error {
            // Ollama reports a failure after the 200 head as an error line; the status it would have sent is 500.
            throw .httpStatus(500, message)
        }
        guard let done = chunk.done else {
            throw .malformedResponse("a reply line has no \"done\" field")
        }
        let delta = chunk.message?.content.flatMap { $0.isEmpty ? nil : $0 }
        if let delta { text += delta }
        guard done else { return (delta, nil) }
        return (
            delta,
            ModelChatCompletion(
                text: text,
                doneReason: chunk.doneReason,
                promptTokens: chunk.promptEvalCount,
                completionTokens: chunk.evalCount
            )
        )
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}
