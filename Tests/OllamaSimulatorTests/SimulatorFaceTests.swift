import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OllamaSimulator
import Testing

/// The OpenAI and Anthropic faces byte for byte as a client sees them: event framing, the
/// order of events, `[DONE]`, error bodies and headers, authentication and validation.
@Suite(.timeLimit(.minutes(10)))
struct SimulatorFaceTests {
    static func withFace(_ api: SimulatorAPI, _ behaviour: SimulatorBehaviour? = nil, _ body: (ModelSimulator, Int) async throws -> Void) async throws {
        let simulator = ModelSimulator(api: api, behaviour: behaviour)
        try await simulator.withRunning { port in try await body(simulator, port) }
    }

    static func request(_ port: Int, _ path: String, json: String, headers: [(String, String)]) -> HTTPClientRequest {
        var request = SimulatorHTTP.postRequest(port, path, json: json)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return request
    }

    /// `data:` payloads (and `event:` names) of a streamed body, in order.
    static func events(_ lines: [String]) -> [(event: String?, data: String)] {
        var events: [(String?, String)] = []
        var name: String?
        for line in lines {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") {
                events.append((name, String(line.dropFirst(6))))
                name = nil
            }
        }
        return events
    }

    @Test("OpenAI: role chunk, one chunk per piece, finish_reason, usage chunk with no choices, then [DONE]")
    func openAIStream() async throws {
        try await Self.withFace(.openAI) { simulator, port in
            let request = Self.request(port, "/v1/chat/completions", json: """
                {"model": "gpt-4.1-mini", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}
                """, headers: [("authorization", "Bearer sk-any")])
            let (lines, brokeOff, headers) = try await SimulatorHTTP.streamLines(request)
            #expect(!brokeOff)
            #expect(headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            let events = Self.events(lines)
            #expect(events.last?.data == "[DONE]")
            let chunks = events.dropLast().compactMap { SimulatorHTTP.object($0.data) }
            #expect(chunks.count == 12, "role, 9 pieces, finish, usage")
            let objects = chunks.map { $0["object"] as? String }
            let models = chunks.map { $0["model"] as? String }
            #expect(Set(objects) == ["chat.completion.chunk"])
            #expect(Set(models) == ["gpt-4.1-mini"])
            let deltas = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
            #expect(deltas.first?["role"] as? String == "assistant")
            #expect(deltas.compactMap { $0["content"] as? String }.joined() == SimulatorReply.defaultText)
            let finish = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
            #expect(finish == ["stop"])
            let usage = try #require(chunks.last)
            #expect((usage["choices"] as? [Any])?.isEmpty == true)
            #expect((usage["usage"] as? [String: Any])?["completion_tokens"] as? Int == 9)
            #expect(simulator.stats().lastChatRequest?.messages.first?.content == "hi", "content parts are read")
            #expect(simulator.stats().lastChatRequest?.apiKey == "sk-any")
        }
    }

    @Test("Anthropic: message_start, content_block_start, ping, deltas, content_block_stop, message_delta, message_stop")
    func anthropicStream() async throws {
        try await Self.withFace(.anthropic) { _, port in
            let request = Self.request(port, "/v1/messages", json: """
                {"model": "claude-sonnet-4-5", "max_tokens": 3, "stream": true, "system": "be brief",
                 "messages": [{"role": "user", "content": "hi"}]}
                """, headers: [("anthropic-version", "2023-06-01"), ("x-api-key", "k")])
            let (lines, _, headers) = try await SimulatorHTTP.streamLines(request)
            #expect(headers.first(name: "request-id")?.hasPrefix("req_") == true)
            let events = Self.events(lines)
            #expect(events.map(\.event) == [
                "message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop",
            ])
            for event in events {
                #expect(SimulatorHTTP.object(event.data)?["type"] as? String == event.event, "data.type matches the event name")
            }
            let delta = try #require(SimulatorHTTP.object(events[7].data)?["delta"] as? [String: Any])
            #expect(delta["stop_reason"] as? String == "max_tokens", "max_tokens cut the reply")
        }
    }

    @Test("Anthropic refuses a request without anthropic-version, a wrong key, a system role in messages, a missing max_tokens")
    func anthropicValidation() async throws {
        try await Self.withFace(.anthropic, SimulatorBehaviour(models: SimulatorBehaviour.defaultModels(for: .anthropic), apiKey: "right")) { _, port in
            let good = #"{"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}"#
            let cases: [(String, [(String, String)], Int, String, String)] = [
                (good, [("x-api-key", "right")], 400, "invalid_request_error", "anthropic-version: header is required"),
                (good, [("x-api-key", "wrong"), ("anthropic-version", "2023-06-01")], 401, "authentication_error", "invalid x-api-key"),
                (good, [("anthropic-version", "2023-06-01")], 401, "authentication_error", "x-api-key header is required"),
                (#"{"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": [{"role": "system", "content": "x"}]}"#,
                 [("x-api-key", "right"), ("anthropic-version", "2023-06-01")], 400, "invalid_request_error",
                 "messages.0.role: Input should be 'user' or 'assistant'"),
                (#"{"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "x"}]}"#,
                 [("x-api-key", "right"), ("anthropic-version", "2023-06-01")], 400, "invalid_request_error", "max_tokens: Field required"),
                (#"{"model": "claude-nope", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}]}"#,
                 [("x-api-key", "right"), ("anthropic-version", "2023-06-01")], 404, "not_found_error", "model: claude-nope"),
            ]
            for (body, headers, status, type, message) in cases {
                let response = try await SimulatorHTTP.send(Self.request(port, "/v1/messages", json: body, headers: headers))
                #expect(response.status == status, "\(message)")
                #expect(response.json["type"] as? String == "error")
                let error = response.json["error"] as? [String: Any]
                #expect(error?["type"] as? String == type)
                #expect(error?["message"] as? String == message)
            }
        }
    }

    @Test("injected errors: 429 with Retry-After once, then success; OpenAI's error shape")
    func injectedErrors() async throws {
        let behaviour = SimulatorBehaviour(
            models: SimulatorBehaviour.defaultModels(for: .openAI), errorStatus: 429, errorCount: 1, retryAfter: "1e300")
        try await Self.withFace(.openAI, behaviour) { simulator, port in
            let body = #"{"model": "gpt-4.1", "messages": [{"role": "user", "content": "x"}]}"#
            let limited = try await SimulatorHTTP.send(Self.request(port, "/v1/chat/completions", json: body, headers: []))
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "retry-after") == "1e300", "sent as scripted, hostile or not")
            let error = limited.json["error"] as? [String: Any]
            #expect(error?["type"] as? String == "requests" && error?["code"] as? String == "rate_limit_exceeded")
            #expect(error?.keys.contains("param") == true)
            let fine = try await SimulatorHTTP.send(Self.request(port, "/v1/chat/completions", json: body, headers: []))
            #expect(fine.status == 200)
            #expect(fine.json["object"] as? String == "chat.completion")
            // The simulator counts a completion after the response is written: wait for it.
            #expect(await eventually { simulator.stats().chatsFailed == 1 && simulator.stats().chatsCompleted == 1 })
        }
    }

    @Test("the control endpoint takes the new behaviours and never shows the required key")
    func control() async throws {
        try await Self.withFace(.anthropic) { simulator, port in
            let response = try await SimulatorHTTP.post(port, "/_sim/behaviour", json: """
                {"error_type": "overloaded_error", "error_count": 2, "retry_after": "3", "stream_error_after": 1,
                 "inject_text": ": hi\\n\\n", "inject_after": 0, "api_key": "secret-key", "endless": true}
                """)
            #expect(response.status == 200)
            #expect(response.json["api_key"] as? String == "set")
            let behaviour = simulator.behaviour
            #expect(behaviour.errorType == "overloaded_error" && behaviour.errorCount == 2 && behaviour.retryAfter == "3")
            #expect(behaviour.streamErrorAfterChunks == 1 && behaviour.injectedText == ": hi\n\n" && behaviour.injectAfterChunks == 0)
            #expect(behaviour.apiKey == "secret-key" && behaviour.endless)
            let bad = try await SimulatorHTTP.post(port, "/_sim/behaviour", json: #"{"error_count": -1}"#)
            #expect(bad.status == 400)
        }
    }
}
