import Benchmark
import Foundation
import GeneratedProtocol

// The per-frame work of the hot path with the GeneratedProtocol API: as the gateway did it
// before issue 11 (a result turned into a JSONValue — encode + decode — then the frame encoded;
// an event's payload as a JSONValue), and as it does it now (the result encoded once and spliced
// into its envelope by DispatchedResponse; the event's payload encoded straight from the typed
// value). Params are decoded from the parsed frame without JSON text in between (JSONValue's
// own decoder) in both. Time and allocations per operation.
// Run: swift package benchmark --target ProtocolCodec

/// The `health` request a client sends.
let healthRequest = Data(#"{"type":"req","id":"42","method":"health","params":{}}"#.utf8)

/// A health summary as the gateway answers it: the spec's "cached" example.
let healthSummaryJSON = Data(#"""
{"ok":true,"ts":1767225660000,"durationMs":42,"channels":{"webchat":{"configured":true,"linked":true,"authAgeMs":null,"lastProbeAt":null}},"channelOrder":["webchat"],"channelLabels":{"webchat":"WebChat"},"heartbeatSeconds":1800,"defaultAgentId":"main","agents":[{"agentId":"main","name":"Assistant","isDefault":true,"heartbeat":{"enabled":true,"every":"30m","everyMs":1800000,"prompt":"Read HEARTBEAT.md if it exists and follow it.","target":"last","ackMaxChars":300},"sessions":{"path":"/var/lib/kubeclaw/agents/main/sessions/sessions.json","count":2,"recent":[{"key":"agent:main:main","updatedAt":1767225601501,"age":58499},{"key":"agent:main:subagent:0c6d1f4e-2b7a-4e19-8a35-9d2f1c7b6e40","updatedAt":1767222000000,"age":3660000}]}}],"sessions":{"path":"/var/lib/kubeclaw/agents/main/sessions/sessions.json","count":2,"recent":[{"key":"agent:main:main","updatedAt":1767225601501,"age":58499},{"key":"agent:main:subagent:0c6d1f4e-2b7a-4e19-8a35-9d2f1c7b6e40","updatedAt":1767222000000,"age":3660000}]}}
"""#.utf8)

/// A chat delta as the gateway streams it: the cumulative message and the added text.
func chatDelta(seq: Int) -> ChatEvent {
    let text = String(repeating: "a streamed piece of a reply ", count: 8)
    return ChatEvent(
        deltaText: "reply ", message: ["role": "assistant", "content": [["type": "text", "text": .string(text)]], "timestamp": 1_767_225_660_000],
        runId: "0c6d1f4e-2b7a-4e19-8a35-9d2f1c7b6e40", seq: seq, sessionKey: "agent:main:main", state: .delta)
}

/// The gateway's frame encoder (compact, `/` unescaped).
func frameEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return encoder
}

/// Inbound: the request frame parsed and validated, its params validated and decoded.
func decodeHealthRequest(_ data: Data) throws -> HealthParams {
    let frame = try JSONValue.parse(data)
    if let violation = SchemaValidator.spec.firstViolation(of: frame, against: .ref("RequestFrame")) {
        throw CodecFailure("request frame: \(violation)")
    }
    let params = frame["params"] ?? .object([:])
    if let violation = SchemaValidator.spec.firstViolation(of: params, against: .ref(MethodName.health.schemas.params)) {
        throw CodecFailure("params: \(violation)")
    }
    return try params.decode(as: HealthParams.self)
}

/// Outbound: the method's typed result into a response frame's bytes, as route + send do today.
func encodeHealthResponse(_ summary: HealthSummary, id: String, encoder: JSONEncoder) throws -> Data {
    let payload = try JSONValue(encoding: summary)
    return try encoder.encode(ResponseFrame(id: id, ok: true, payload: payload))
}

/// Outbound, today: the result encoded once, spliced into its envelope.
func encodeHealthResponseOnce(_ summary: HealthSummary, id: String) throws -> Data {
    try DispatchedResponse.result(id: id, payload: try JSONEncoder.frames.encode(summary)).encoded()
}

/// An event frame's bytes, today: the payload encoded from the typed event, then wrapped.
func encodeEventOnce(_ event: GatewayEvent, seq: Int) throws -> Data {
    var frame = Data(#"{"type":"event","event":"\#(event.name.rawValue)","payload":"#.utf8)
    frame.append(try event.encodedPayload(with: JSONEncoder.frames))
    frame.append(Data(#","seq":\#(seq)}"#.utf8))
    return frame
}

/// An event frame's bytes, as EncodedEvent built them before (payload as a JSONValue, then wrapped).
func encodeEvent(_ event: GatewayEvent, seq: Int, encoder: JSONEncoder) throws -> Data {
    var frame = Data(#"{"type":"event","event":"\#(event.name.rawValue)","payload":"#.utf8)
    frame.append(try encoder.encode(event.payloadValue()))
    frame.append(Data(#","seq":\#(seq)}"#.utf8))
    return frame
}

/// What a protocol client or the conformance suite does with an event frame: parse, validate.
func decodeEvent(_ data: Data) throws -> JSONValue {
    let frame = try JSONValue.parse(data)
    if let violation = SchemaValidator.spec.firstViolation(of: frame, against: .ref("EventFrame")) {
        throw CodecFailure("event frame: \(violation)")
    }
    if let payload = frame["payload"], let violation = SchemaValidator.spec.firstViolation(of: payload, against: .ref("ChatEvent")) {
        throw CodecFailure("chat payload: \(violation)")
    }
    return frame
}

struct CodecFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        maxDuration: .seconds(3), maxIterations: 100_000)

    Benchmark("health request: decode + validate") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try decodeHealthRequest(healthRequest))
        }
    }

    Benchmark("health response: encode (typed → JSONValue → frame)") { benchmark in
        let summary = try JSONDecoder().decode(HealthSummary.self, from: healthSummaryJSON)
        let encoder = frameEncoder()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try encodeHealthResponse(summary, id: "42", encoder: encoder))
        }
    }

    Benchmark("health round trip: decode + validate + encode") { benchmark in
        let summary = try JSONDecoder().decode(HealthSummary.self, from: healthSummaryJSON)
        let encoder = frameEncoder()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            _ = try decodeHealthRequest(healthRequest)
            blackHole(try encodeHealthResponse(summary, id: "42", encoder: encoder))
        }
    }

    Benchmark("health response: encode once (typed → frame)") { benchmark in
        let summary = try JSONDecoder().decode(HealthSummary.self, from: healthSummaryJSON)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try encodeHealthResponseOnce(summary, id: "42"))
        }
    }

    Benchmark("health round trip: decode + validate + encode once") { benchmark in
        let summary = try JSONDecoder().decode(HealthSummary.self, from: healthSummaryJSON)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            _ = try decodeHealthRequest(healthRequest)
            blackHole(try encodeHealthResponseOnce(summary, id: "42"))
        }
    }

    Benchmark("chat delta event: encode once (typed → frame)") { benchmark in
        let event = GatewayEvent.chat(chatDelta(seq: 7))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try encodeEventOnce(event, seq: 7))
        }
    }

    Benchmark("chat delta event: encode") { benchmark in
        let event = GatewayEvent.chat(chatDelta(seq: 7))
        let encoder = frameEncoder()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try encodeEvent(event, seq: 7, encoder: encoder))
        }
    }

    Benchmark("chat delta event: encode + decode + validate") { benchmark in
        let event = GatewayEvent.chat(chatDelta(seq: 7))
        let encoder = frameEncoder()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try decodeEvent(try encodeEvent(event, seq: 7, encoder: encoder)))
        }
    }
}
