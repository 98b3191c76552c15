import AsyncHTTPClient
import Foundation
import OllamaSimulator
import Testing

/// `/api/chat` streams and answers like Ollama, and every scripted misbehaviour happens as described.
@Suite(.timeLimit(.minutes(10)))
struct SimulatorChatTests {
    static let question = #"{"model":"qwen2.5:14b","messages":[{"role":"user","content":"Why is the sky blue?"}]}"#

    static func chat(_ port: Int, _ json: String = question) -> HTTPClientRequest {
        SimulatorHTTP.postRequest(port, "/api/chat", json: json)
    }

    @Test("a streamed reply is one JSON object per line, ending with done:true and the statistics")
    func aStreamedReplyIsOneJSONObjectPerLineEndingWithDoneAndStatistics() async throws {
        try await withSimulator { simulator, port in
            let (lines, brokeOff, headers) = try await SimulatorHTTP.streamLines(Self.chat(port))
            #expect(!brokeOff)
            #expect(headers.first(name: "content-type") == "application/x-ndjson")
            let objects = lines.compactMap(SimulatorHTTP.object)
            #expect(objects.count == lines.count, "every line is a JSON object")

            let pieces = objects.dropLast()
            for piece in pieces {
                #expect(Set(piece.keys) == ["model", "created_at", "message", "done"])
                #expect(piece["model"] as? String == "qwen2.5:14b")
                #expect(piece["done"] as? Bool == false)
                #expect((piece["message"] as? [String: Any])?["role"] as? String == "assistant")
            }
            let contents = pieces.compactMap { ($0["message"] as? [String: Any])?["content"] as? String }
            #expect(contents == ["The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog."])
            #expect(contents.joined() == SimulatorReply.defaultText)

            let final = try #require(objects.last)
            #expect(final["done"] as? Bool == true)
            #expect(final["done_reason"] as? String == "stop")
            #expect(final["eval_count"] as? Int == pieces.count)
            #expect(final["prompt_eval_count"] as? Int == 5)
            for field in ["total_duration", "load_duration", "prompt_eval_duration", "eval_duration"] {
                #expect((final[field] as? Int).map { $0 >= 0 } == true, "\(field) is a count of nanoseconds")
            }
            #expect((final["message"] as? [String: Any])?["content"] as? String == "")

            let stats = simulator.stats()
            #expect(stats.chatsStarted == 1)
            #expect(stats.chatsCompleted == 1)
            #expect(stats.currentlyStreaming == 0)
        }
    }

    @Test("created_at is an RFC 3339 UTC timestamp with fractional seconds")
    func createdAtIsAnRFC3339UTCTimestampWithFractionalSeconds() async throws {
        try await withSimulator { _, port in
            let (lines, _, _) = try await SimulatorHTTP.streamLines(Self.chat(port))
            let stamp = try #require(SimulatorHTTP.object(lines.first ?? "")?["created_at"] as? String)
            #expect(stamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil, "\(stamp)")
        }
    }

    @Test("stream:false answers with one object holding the whole reply")
    func streamFalseAnswersWithOneObjectHoldingTheWholeReply() async throws {
        try await withSimulator { _, port in
            let response = try await SimulatorHTTP.post(
                port,
                "/api/chat",
                json: #"{"model":"qwen2.5:14b","stream":false,"messages":[{"role":"user","content":"hi"}]}"#
            )
            #expect(response.status == 200)
            #expect(response.headers.first(name: "content-type") == "application/json; charset=utf-8")
            #expect(!response.body.contains("\n"))
            let body = response.json
            #expect((body["message"] as? [String: Any])?["content"] as? String == SimulatorReply.defaultText)
            #expect(body["done"] as? Bool == true)
            #expect(body["done_reason"] as? String == "stop")
            #expect(body["eval_count"] as? Int == 9)
        }
    }

    @Test("echo mode replies with the last user message")
    func echoModeRepliesWithTheLastUserMessage() async throws {
        try await withSimulator(SimulatorBehaviour(reply: .echo)) { _, port in
            let json = #"""
                {"model":"qwen2.5:14b","messages":[{"role":"user","content":"first"},
                {"role":"assistant","content":"ok"},{"role":"user","content":"say this back"}]}
                """#
            let (lines, _, _) = try await SimulatorHTTP.streamLines(Self.chat(port, json))
            let text = lines.compactMap { (SimulatorHTTP.object($0)?["message"] as? [String: Any])?["content"] as? String }
            #expect(text.joined() == "say this back")
        }
    }

    @Test("timestamps mode streams n pieces, each the Unix time in nanoseconds when it was written")
    func timestampsModeStreamsWriteTimes() async throws {
        let behaviour = SimulatorBehaviour(reply: .timestamps(count: 4), tokensPerSecond: 100)
        try await withSimulator(behaviour) { _, port in
            let before = Int64(Date().timeIntervalSince1970 * 1e9)
            let (lines, brokeOff, _) = try await SimulatorHTTP.streamLines(Self.chat(port))
            let after = Int64(Date().timeIntervalSince1970 * 1e9)
            #expect(!brokeOff)
            let objects = lines.compactMap(SimulatorHTTP.object)
            let contents = objects.dropLast().compactMap { ($0["message"] as? [String: Any])?["content"] as? String }
            #expect(contents.count == 4)
            let stamps = contents.compactMap { content -> Int64? in
                guard content.hasPrefix("t"), content.hasSuffix(" ") else { return nil }
                return Int64(content.dropFirst().dropLast())
            }
            #expect(stamps.count == 4, "every piece is t<nanoseconds> followed by a space: \(contents)")
            #expect(stamps == stamps.sorted(), "written in order")
            // One millisecond of slack for the Double resolution of the bounds.
            #expect(stamps.allSatisfy { $0 >= before - 1_000_000 && $0 <= after + 1_000_000 }, "\(stamps) within [\(before), \(after)]")
            #expect(objects.last?["eval_count"] as? Int == 4)
        }
    }

    @Test("paced streaming keeps order and counts")
    func pacedStreamingKeepsOrderAndCounts() async throws {
        let behaviour = SimulatorBehaviour(
            reply: .text("one two three four five"),
            tokenization: .words,
            tokensPerSecond: 200,
            timeToFirstToken: .milliseconds(20)
        )
        try await withSimulator(behaviour) { _, port in
            let (lines, _, _) = try await SimulatorHTTP.streamLines(Self.chat(port))
            let objects = lines.compactMap(SimulatorHTTP.object)
            let contents = objects.compactMap { ($0["message"] as? [String: Any])?["content"] as? String }
            #expect(contents == ["one ", "two ", "three ", "four ", "five", ""])
            #expect(objects.last?["eval_count"] as? Int == 5)
        }
    }

    @Test("character tokenization streams one character per line")
    func characterTokenizationStreamsOneCharacterPerLine() async throws {
        try await withSimulator(SimulatorBehaviour(reply: .text("héllo"), tokenization: .characters)) { _, port in
            let (lines, _, _) = try await SimulatorHTTP.streamLines(Self.chat(port))
            #expect(lines.count == 6)
            #expect(SimulatorHTTP.object(lines[1]).flatMap { ($0["message"] as? [String: Any])?["content"] as? String } == "é")
        }
    }

    @Test("num_predict cuts the reply and reports done_reason length")
    func numPredictCutsTheReplyAndReportsLength() async throws {
        try await withSimulator { _, port in
            let json = #"{"model":"qwen2.5:14b","options":{"num_predict":3},"messages":[{"role":"user","content":"go"}]}"#
            let (lines, _, _) = try await SimulatorHTTP.streamLines(Self.chat(port, json))
            let final = try #require(lines.last.flatMap(SimulatorHTTP.object))
            #expect(lines.count == 4)
            #expect(final["done_reason"] as? String == "length")
            #expect(final["eval_count"] as? Int == 3)
        }
    }

    @Test("empty messages load the model, and keep_alive 0 unloads it")
    func emptyMessagesLoadTheModelAndKeepAliveZeroUnloadsIt() async throws {
        try await withSimulator { _, port in
            let load = try await SimulatorHTTP.post(port, "/api/chat", json: #"{"model":"qwen2.5:14b","messages":[]}"#)
            #expect(SimulatorHTTP.object(load.body.trimmingCharacters(in: .newlines))?["done_reason"] as? String == "load")
            let unload = try await SimulatorHTTP.post(
                port,
                "/api/chat",
                json: #"{"model":"qwen2.5:14b","messages":[],"keep_alive":0,"stream":false}"#
            )
            #expect(unload.json["done_reason"] as? String == "unload")
        }
    }

    @Test("an unknown model is 404 \"not found, try pulling it first\"")
    func anUnknownModelIs404TryPullingItFirst() async throws {
        try await withSimulator { simulator, port in
            let response = try await SimulatorHTTP.post(
                port,
                "/api/chat",
                json: #"{"model":"nope","messages":[{"role":"user","content":"hi"}]}"#
            )
            #expect(response.status == 404)
            #expect(response.json as? [String: String] == ["error": #"model "nope" not found, try pulling it first"#])
            #expect(simulator.stats().chatsStarted == 0)
            #expect(simulator.stats().lastChatRequest?.model == "nope")
        }
    }

    @Test("an injected error status comes with Ollama's {\"error\"} body")
    func anInjectedErrorStatusComesWithOllamasErrorBody() async throws {
        let behaviour = SimulatorBehaviour(errorStatus: 503, errorMessage: "server busy, please try again")
        try await withSimulator(behaviour) { simulator, port in
            let response = try await SimulatorHTTP.post(port, "/api/chat", json: Self.question)
            #expect(response.status == 503)
            #expect(response.json as? [String: String] == ["error": "server busy, please try again"])
            #expect(simulator.stats().chatsFailed == 1)
        }
    }

    @Test("cutAfterChunks closes the connection without the done line")
    func cutAfterClosesTheConnectionWithoutTheDoneLine() async throws {
        // At a model's pace: at full speed the cut can overtake the third chunk in the client
        // (AsyncHTTPClient fails the body before a buffered part is read).
        try await withSimulator(SimulatorBehaviour(tokensPerSecond: 20, cutAfterChunks: 3)) { simulator, port in
            let (lines, brokeOff, _) = try await SimulatorHTTP.streamLines(Self.chat(port))
            #expect(brokeOff, "the chunked body never ends properly")
            #expect(lines.count == 3)
            #expect(lines.compactMap(SimulatorHTTP.object).allSatisfy { $0["done"] as? Bool == false })
            #expect(simulator.stats().chatsFailed == 1)
            #expect(simulator.stats().chatsCompleted == 0)
        }
    }

    @Test("malformedLineAfterChunks inserts one non-JSON line and carries on")
    func malformedAfterInsertsOneNonJSONLineAndCarriesOn() async throws {
        try await withSimulator(SimulatorBehaviour(malformedLineAfterChunks: 2)) { _, port in
            let (lines, brokeOff, _) = try await SimulatorHTTP.streamLines(Self.chat(port))
            #expect(!brokeOff)
            #expect(SimulatorHTTP.object(lines[2]) == nil)
            #expect(lines.filter { SimulatorHTTP.object($0) == nil }.count == 1)
            #expect(SimulatorHTTP.object(try #require(lines.last))?["done"] as? Bool == true)
        }
    }

    @Test("hang accepts the request and never answers, until the client leaves")
    func hangAcceptsTheRequestAndNeverAnswersUntilTheClientLeaves() async throws {
        try await withSimulator(SimulatorBehaviour(hang: true)) { simulator, port in
            let headReceived = HeadFlag()
            let client = Task {
                _ = try await HTTPClient.shared.execute(Self.chat(port), timeout: .seconds(30))
                headReceived.set()
            }
            #expect(await eventually { simulator.stats().currentlyStreaming == 1 })
            #expect(!headReceived.isSet, "no response head while hanging")
            client.cancel()
            _ = await client.result
            #expect(!headReceived.isSet)
            #expect(await eventually { simulator.stats().chatsCancelled == 1 })
            #expect(simulator.stats().currentlyStreaming == 0)
        }
    }

    @Test("a client that disconnects mid-stream is counted, and generation stops")
    func aClientThatDisconnectsMidStreamIsCountedAndGenerationStops() async throws {
        let longReply = Array(repeating: "word", count: 500).joined(separator: " ")
        try await withSimulator(SimulatorBehaviour(reply: .text(longReply), tokensPerSecond: 100)) { simulator, port in
            let reader = Task {
                let response = try await HTTPClient.shared.execute(Self.chat(port), timeout: .seconds(30))
                var received = 0
                for try await _ in response.body {
                    received += 1
                    // Leaving the loop drops the body, which cancels the request and closes the connection.
                    if received == 3 { break }
                }
                return received
            }
            let received = try await reader.value
            #expect(received == 3)
            #expect(await eventually { simulator.stats().chatsCancelled == 1 })
            #expect(await eventually { simulator.stats().currentlyStreaming == 0 })
            #expect(simulator.stats().chatsCompleted == 0)
        }
    }

    @Test("the last chat request records model, messages, options and keep_alive")
    func theLastChatRequestRecordsModelMessagesOptionsAndKeepAlive() async throws {
        try await withSimulator { simulator, port in
            let json = #"""
                {"model":"qwen2.5:14b","stream":false,"keep_alive":"10m",
                 "options":{"num_ctx":8192,"temperature":0.2},
                 "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}
                """#
            _ = try await SimulatorHTTP.post(port, "/api/chat", json: json)
            let recorded = try #require(simulator.stats().lastChatRequest)
            #expect(recorded.model == "qwen2.5:14b")
            #expect(recorded.messages == [.init(role: "system", content: "be brief"), .init(role: "user", content: "hi")])
            #expect(recorded.options == ["num_ctx": .number(8192), "temperature": .number(0.2)])
            #expect(recorded.keepAlive == .string("10m"))
            #expect(recorded.stream == false)
        }
    }
}
