import Foundation
import Testing
@testable import rpcgen

/// The conformance planner derives every case from the spec: one per example, the protocol
/// cases from frames, limits and codes, the stream cases only when the spec has a chat run.
@Suite struct ConformancePlannerTests {
    static func realPlan() throws -> ConformancePlan {
        ConformancePlanner.plan(try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "openclaw-rpc.json"))
    }

    @Test("every method example and invalid example of the spec becomes exactly one case")
    func oneCasePerExample() throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "openclaw-rpc.json")
        let plan = ConformancePlanner.plan(ir)
        for method in ir.methods {
            let ids = plan.cases.map(\.id).filter { $0.hasPrefix("method/\(method.name)/") }
            let expected = method.examples.indices.map { "method/\(method.name)/valid/\($0)" }
                + method.invalid.indices.map { "method/\(method.name)/invalid/\($0)" }
            #expect(ids == expected)
        }
        #expect(Set(plan.cases.map(\.id)).count == plan.cases.count, "case ids are unique")
    }

    @Test("the real spec gives the protocol, stream and event cases the issue lists, in a stable order")
    func categoriesOfTheRealSpec() throws {
        let plan = try Self.realPlan()
        let protocolIds = plan.cases.map(\.id).filter { $0.hasPrefix("protocol/") }
        #expect(protocolIds == [
            "protocol/challenge-first", "protocol/request-before-connect", "protocol/missing-token", "protocol/wrong-token",
            "protocol/protocol-range-above", "protocol/protocol-range-below", "protocol/negotiate-3", "protocol/negotiate-4",
            "protocol/negotiate-newest", "protocol/unknown-method", "protocol/missing-id",
            "protocol/non-json-text", "protocol/binary-frame", "protocol/oversize-payload", "protocol/response-id-echo",
            "protocol/seq-increasing",
        ])
        #expect(plan.cases.map(\.id).filter { $0.hasPrefix("stream/") } == [
            "stream/chat-ordering", "stream/abort-during-stream", "stream/history-contains-exchange",
            "stream/order/abort-before-response", "stream/order/end-before-final",
        ])
        #expect(plan.cases.filter { $0.id.hasPrefix("event/") }.count == plan.events.count)
        // The handshake first, then the method that starts runs, so later examples find a conversation.
        var groups: [String] = []
        for testCase in plan.cases where testCase.id.hasPrefix("method/") && !groups.contains(testCase.group) {
            groups.append(testCase.group)
        }
        #expect(groups.prefix(2) == ["connect", "chat.send"])
    }

    @Test("numbers come from the spec: close codes, maxPayload, the protocol version")
    func protocolCasesUseTheSpecsNumbers() throws {
        let plan = try Self.realPlan()
        func kind(_ id: String) -> ConformancePlan.Kind? { plan.cases.first { $0.id == id }?.kind }
        #expect(kind("protocol/oversize-payload") == .oversizeMessage(maxPayload: 65536, closeCode: 1009))
        #expect(kind("protocol/protocol-range-above") == .protocolMismatch(
            minProtocol: 5, maxProtocol: 5, .init(code: "INVALID_REQUEST", closeCode: 1002, detailsCode: "PROTOCOL_MISMATCH")))
        #expect(kind("protocol/protocol-range-below") == .protocolMismatch(
            minProtocol: 1, maxProtocol: 2, .init(code: "INVALID_REQUEST", closeCode: 1002, detailsCode: "PROTOCOL_MISMATCH")))
        #expect(kind("protocol/negotiate-newest") == .negotiation(minProtocol: 3, maxProtocol: 5, expected: 4, resultSchema: "HelloOk"))
        #expect(kind("protocol/wrong-token") == .rejectedCredentials(
            .wrong, .init(code: "INVALID_REQUEST", closeCode: 1008, detailsCode: "AUTH_TOKEN_MISMATCH")))
        #expect(kind("protocol/missing-token") == .rejectedCredentials(
            .missing, .init(code: "INVALID_REQUEST", closeCode: 1008, detailsCode: "AUTH_TOKEN_MISSING")))
        guard case .connectRejected(_, let rejection)? = kind("method/connect/invalid/0") else {
            Issue.record("connect's invalid examples are handshake rejections")
            return
        }
        #expect(rejection == .init(
            code: "INVALID_REQUEST", closeCode: 1008,
            details: [.init(pointer: "/path", value: #""/""#), .init(pointer: "/reason", value: #""invalid-params""#)]))
    }

    @Test("invalid examples carry the spec's details (reason and the fault's path); every one of the real spec has them")
    func invalidExamplesCarryDetails() throws {
        let plan = try Self.realPlan()
        let rejections = plan.cases.compactMap { testCase -> (String, ConformancePlan.Rejection)? in
            switch testCase.kind {
            case .invalidExample(_, let rejection, _), .connectRejected(_, let rejection): (testCase.id, rejection)
            default: nil
            }
        }
        #expect(rejections.count == 84)
        for (id, rejection) in rejections {
            #expect(rejection.details.map(\.pointer) == ["/path", "/reason"], "\(id)")
        }
        let limit = rejections.first { $0.0 == "method/chat.history/invalid/1" }?.1
        #expect(limit?.details == [.init(pointer: "/path", value: #""/limit""#), .init(pointer: "/reason", value: #""invalid-params""#)])
    }

    @Test("the events a short run may not see get a trigger: tick waits, presence connects a tracked client, shutdown stops the gateway")
    func eventTriggers() throws {
        let plan = try Self.realPlan()
        func trigger(_ event: String) -> ConformancePlan.EventTrigger?? {
            plan.cases.first { $0.id == "event/\(event)/payload" }.map { testCase in
                if case .eventPayloads(_, _, let trigger) = testCase.kind { trigger } else { nil }
            }
        }
        #expect(trigger("tick") == .periodic(policyField: "tickIntervalMs", defaultIntervalMs: 30000))
        #expect(trigger("presence") == .trackedClient(clientId: "openclaw-control-ui", mode: "webchat"))
        #expect(trigger("shutdown") == .gatewayShutdown(closeCode: 1012))
        #expect(trigger("chat") == .some(nil))
    }

    @Test("each case carries the protocol versions it applies to")
    func protocolsOfCases() throws {
        let plan = try Self.realPlan()
        func protocols(_ id: String) -> [Int]? { plan.cases.first { $0.id == id }?.protocols }
        #expect(plan.protocols == [3, 4])
        #expect(protocols("protocol/challenge-first") == [3, 4])
        #expect(protocols("protocol/negotiate-3") == [3])
        #expect(protocols("protocol/negotiate-4") == [4])
        #expect(protocols("protocol/negotiate-newest") == [4])
        #expect(protocols("stream/chat-ordering") == [3, 4])
        #expect(protocols("method/chat.history/valid/0") == [3, 4])
        let connects = plan.cases.filter { $0.id.hasPrefix("method/connect/valid/") }.map(\.protocols)
        #expect(connects.contains([3]) && connects.contains([4]), "connect examples of both versions: \(connects)")
        #expect(plan.cases.allSatisfy { !$0.protocols.isEmpty && Set($0.protocols).isSubset(of: [3, 4]) })
    }

    @Test("flags: chat.send examples and stream cases need a model, credential cases need the token, writes mutate")
    func flags() throws {
        let plan = try Self.realPlan()
        func flags(_ id: String) -> ConformancePlan.Flags? { plan.cases.first { $0.id == id }?.flags }
        #expect(flags("method/chat.send/valid/0") == .init(needsModel: true, mutates: true))
        #expect(flags("method/chat.send/invalid/0") == .init())
        #expect(flags("method/sessions.patch/valid/0") == .init(mutates: true))
        #expect(flags("method/chat.history/valid/0") == .init())
        #expect(flags("protocol/missing-token") == .init(needsAuth: true))
        #expect(flags("stream/abort-during-stream") == .init(needsModel: true, mutates: true))
    }

    @Test("an example that depends on gateway state accepts the method's declared errors; the others must succeed")
    func dependsOnAcceptsDeclaredErrors() throws {
        let plan = try Self.realPlan()
        let byAgent = plan.cases.first { $0.summary.contains("\"by agent id\"") }
        guard case .validExample(_, _, let accepted)? = byAgent?.kind else {
            Issue.record("agent.identity.get \"by agent id\" is a valid example case")
            return
        }
        #expect(accepted == ["INVALID_REQUEST", "UNAVAILABLE"])
        guard case .validExample(_, _, let none)? = plan.cases.first(where: { $0.id == "method/agents.list/valid/0" })?.kind else {
            Issue.record("agents.list has a valid example case")
            return
        }
        #expect(none == [])
    }

    @Test("a spec without a chat run gets no stream cases; without the abort method, no abort case")
    func missingRolesLeaveCasesOut() throws {
        let mini = ConformancePlanner.plan(try GeneratorPipeline.intermediate(specAt: TestPaths.miniSpec, displayName: "mini-spec.json"))
        #expect(!mini.cases.contains { $0.id.hasPrefix("stream/") })
        #expect(mini.cases.contains { $0.id == "protocol/seq-increasing" }, "ping emits a sequenced event")

        var ir = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "openclaw-rpc.json")
        ir.methods.removeAll { $0.name == "chat.abort" }
        let plan = ConformancePlanner.plan(ir)
        #expect(plan.cases.map(\.id).filter { $0.hasPrefix("stream/") } == [
            "stream/chat-ordering", "stream/history-contains-exchange", "stream/order/end-before-final",
        ])
    }
}
