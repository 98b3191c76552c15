import Foundation
import GatewayClient
import GeneratedProtocol

/// The cases about frames after the handshake: unknown methods, malformed and binary
/// messages, the size limit, response ids and event sequence numbers.
extension CaseDriver {
    enum Message {
        case text(String)
        case binary([UInt8])
    }

    func unknownMethod(_ request: ConformanceRequest, _ rejection: ConformanceRejection, probe: ConformanceRequest) async throws {
        let connection = try await connected()
        let response = try await connection.request(request.method, params: request.params, timeout: timeout)
        try await expect(response, rejection, on: connection, probe: probe)
    }

    /// A message no request can be read from: every reply to it must be the rejection, one is
    /// required when `replyRequired`, and the connection stays open (`probe` is answered).
    func unanswerable(_ message: Message, _ rejection: ConformanceRejection, replyRequired: Bool, probe: ConformanceRequest) async throws {
        let connection = try await connected()
        let mark = connection.log.snapshot.frames.count - 1
        switch message {
        case .text(let text): try await connection.send(text: text)
        case .binary(let bytes): try await connection.send(binary: bytes)
        }
        let probeId = UUID().uuidString.lowercased()
        let what = if case .binary = message { "the binary message" } else { "the malformed message" }
        try await connection.send(text: FrameText.request(id: probeId, method: probe.method, params: probe.params))
        let probeResponse: ReceivedFrame
        do {
            probeResponse = try await connection.response(to: probeId, method: probe.method, timeout: timeout)
        } catch {
            throw CaseVerdict.fail("after \(what), `\(probe.method)` got no answer (\(connection.log.snapshot.ended ? connection.describeEnd : "connection still open")); the connection must stay usable")
        }
        guard probeResponse.json?["ok"]?.boolValue == true else {
            throw CaseVerdict.fail("after \(what), `\(probe.method)` was answered \(FrameText.describeResponse(probeResponse))", excerpt: FrameText.excerpt(probeResponse))
        }
        let isReply: @Sendable (ReceivedFrame) -> Bool = { frame in
            FrameText.type(frame) == "res" && !FrameText.isResponse(frame, id: probeId)
        }
        if replyRequired {
            // The reply may trail the probe's answer when the gateway handles frames concurrently.
            _ = await connection.log.first(after: mark, timeout: configuration.settleTime * 2, where: isReply)
        } else {
            try? await Task.sleep(for: configuration.settleTime)
        }
        let replies = connection.log.snapshot.frames.dropFirst(mark + 1).filter(isReply)
        if replyRequired, replies.isEmpty {
            throw CaseVerdict.fail("\(what) got no \(rejection.code) response")
        }
        for reply in replies {
            let code = reply.json?["error"]?["code"]?.stringValue
            guard reply.json?["ok"]?.boolValue == false, code == rejection.code else {
                throw CaseVerdict.fail("\(what) was answered \(FrameText.describeResponse(reply)); expected \(rejection.code)", excerpt: FrameText.excerpt(reply))
            }
        }
        if connection.log.snapshot.ended {
            throw CaseVerdict.fail("after \(what) \(connection.describeEnd); the connection must stay open")
        }
    }

    /// One byte over the advertised limit (`hello-ok.policy.maxPayload` when it is a number,
    /// else the spec's) must close the connection with `closeCode`.
    func oversizeMessage(maxPayload: Int, closeCode: Int) async throws {
        let connection = try await connected()
        let advertised = connection.hello?["policy"]?["maxPayload"]?.intValue
        let limit = advertised.flatMap { $0 > 0 ? $0 : nil } ?? maxPayload
        guard limit <= 64 << 20 else {
            throw CaseVerdict.skip("the gateway advertises maxPayload \(limit); the runner sends at most 64 MiB")
        }
        let id = "conformance-oversize"
        let head = "{\"type\":\"req\",\"id\":\"\(id)\",\"method\":\"conformance.oversize\",\"params\":{\"pad\":\""
        let tail = "\"}}"
        let text = head + String(repeating: "x", count: max(0, limit + 1 - head.utf8.count - tail.utf8.count)) + tail
        try await connection.send(text: text)
        let answered = await connection.log.wait(timeout: timeout) { snapshot in
            snapshot.ended || snapshot.frames.contains { FrameText.isResponse($0, id: id) }
        }
        if let response = answered.frames.first(where: { FrameText.isResponse($0, id: id) }) {
            throw CaseVerdict.fail("a \(text.utf8.count)-byte message (limit \(limit)) was answered instead of closing with \(closeCode)", excerpt: FrameText.excerpt(response))
        }
        try await expectClose(connection, code: closeCode, after: "a \(text.utf8.count)-byte message (limit \(limit))")
    }

    /// The request sent under each id at once; each must be answered under exactly its id.
    func responseIdEcho(_ request: ConformanceRequest, ids: [String]) async throws {
        let connection = try await connected()
        for id in ids {
            try await connection.send(text: FrameText.request(id: id, method: request.method, params: request.params))
        }
        for id in ids {
            guard await connection.log.first(timeout: timeout, where: { FrameText.isResponse($0, id: id) }) != nil else {
                let others = connection.log.snapshot.frames.filter { FrameText.type($0) == "res" }
                    .compactMap { $0.json?["id"]?.stringValue }.filter { !ids.contains($0) }
                let seen = others.isEmpty ? "" : "; responses came with ids \(others.map { "\"\($0)\"" }.joined(separator: ", "))"
                throw CaseVerdict.fail("no response with id \"\(id)\"\(seen)")
            }
        }
    }

    /// Sequenced events on one connection must carry strictly increasing `seq`. The triggers
    /// make the gateway broadcast; when they cause fewer than two sequenced events, a chat run
    /// does (unless models are skipped).
    func sequenceIncreasing(triggers: [ConformanceRequest], run: ConformanceRun?) async throws {
        let connection = try await connected()
        let sequencedNames = Set(ConformanceSuite.events.filter(\.sequenced).map(\.name))
        let isSequenced: @Sendable (ReceivedFrame) -> Bool = { frame in
            guard FrameText.type(frame) == "event", let name = frame.json?["event"]?.stringValue else { return false }
            return sequencedNames.contains(name) || frame.json?["seq"] != nil
        }
        for _ in 0..<2 {
            for trigger in triggers {
                _ = try await call(connection, trigger.method, params: trigger.params)
            }
        }
        var events = await connection.log.wait(timeout: configuration.settleTime * 2) { snapshot in
            snapshot.frames.filter(isSequenced).count >= 2
        }.frames.filter(isSequenced)
        if events.count < 2 {
            guard let run, !configuration.skipModel else {
                throw CaseVerdict.skip("the triggers caused \(events.count) sequenced event(s); a chat run would cause more, but models are skipped")
            }
            _ = try await startRun(run, on: connection, message: "Conformance check: reply with one short sentence.")
            events = await connection.log.wait(timeout: timeout) { snapshot in
                snapshot.frames.filter(isSequenced).count >= 3
            }.frames.filter(isSequenced)
            guard events.count >= 2 else {
                throw CaseVerdict.fail("saw \(events.count) sequenced event(s) after the triggers and a chat run; broadcast events must carry seq")
            }
        }
        var previous: (seq: Int, frame: ReceivedFrame)?
        for frame in events {
            let name = frame.json?["event"]?.stringValue ?? "?"
            guard let seq = frame.json?["seq"]?.intValue else {
                throw CaseVerdict.fail("`\(name)` event without seq; the spec says it is sequenced", excerpt: FrameText.excerpt(frame))
            }
            if let previous, seq <= previous.seq {
                throw CaseVerdict.fail(
                    "seq \(seq) after \(previous.seq) on one connection (`\(name)` event)",
                    excerpt: "{\"type\":\"event\",\"event\":\(FrameText.quote(name)),\"seq\":\(seq),…} after {…,\"seq\":\(previous.seq),…}")
            }
            previous = (seq, frame)
        }
        notes.append("\(events.count) sequenced events checked")
    }
}
