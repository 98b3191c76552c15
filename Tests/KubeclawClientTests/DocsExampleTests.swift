import Foundation
import KubeclawClient
import Testing

/// The Swift example of docs/clients.md is this code: the test checks that every line of the
/// documented block (but the two that name the gateway) is in ``example(gatewayURL:token:)``,
/// which compiles with the tests and runs against a real gateway.
@Suite("docs/clients.md Swift example", .timeLimit(.minutes(3)))
struct DocsExampleTests {
    /// The documented example, line for line.
    static func example(gatewayURL: URL, token: String) async throws -> String {
        var reply = ""
        let client = KubeclawClient(url: gatewayURL, auth: .token(token))
        try await client.start()                                    // challenge, connect, hello-ok (protocol 4)
        print(try await client.health().ok)
        let events = client.events()                                // subscribe before sending
        let runId = UUID().uuidString
        _ = try await client.chatSend(ChatSendParams(idempotencyKey: runId, message: "Hello!", sessionKey: "main"))
        for await case .event(.chat(let chat)) in events where chat.runId == runId {
            if chat.state == .delta { print(chat.deltaText ?? "", terminator: "") } else { break }
            reply += chat.deltaText ?? ""
        }
        await client.close()
        return reply
    }

    @Test func theDocumentedExampleIsThisCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("docs/clients.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let block = try #require(docs.components(separatedBy: "```swift\nimport KubeclawClient\n").dropFirst().first?
            .components(separatedBy: "```").first, "docs/clients.md has the Swift example")
        let lines = block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("let gatewayURL") && !$0.hasPrefix("let token") && !$0.hasPrefix("import ") }
        #expect(lines.count >= 8)
        for line in lines {
            #expect(source.contains(line), "docs/clients.md line not in the compiled example: \(line)")
        }
    }

    @Test func theDocumentedExampleRunsAgainstARealGateway() async throws {
        try await withLiveGateway { gateway in
            let reply = try await Self.example(gatewayURL: gateway.url, token: LiveGateway.token)
            #expect(reply == LiveGateway.reply)
        }
    }
}
