import Foundation
import NIOCore
import NIOHTTP1

/// An agent's avatar, for the Control UI's `/avatar/<agentId>` requests.
public struct AgentAvatar: Sendable, Equatable {
    /// An image URL or data URL the agent is configured with, if any.
    public var url: String?
    /// A short glyph (an emoji or initial) drawn when there is no image.
    public var glyph: String

    public init(url: String? = nil, glyph: String) {
        self.url = url
        self.glyph = glyph
    }
}

/// What the WebSocket port serves to plain HTTP requests.
public struct ControlUIConfiguration: Sendable {
    /// A Control UI build to serve (SPA: unknown paths fall back to `index.html`); nil serves a
    /// page that explains how to connect.
    public var directory: String?
    /// Looks an agent's avatar up by id; nil for an unknown agent.
    public var avatar: @Sendable (String) async -> AgentAvatar?

    public init(directory: String? = nil, avatar: @escaping @Sendable (String) async -> AgentAvatar? = { _ in nil }) {
        self.directory = directory
        self.avatar = avatar
    }
}

/// Plain HTTP on the WebSocket port: the Control UI's files, avatars, and a refusal for
/// WebSocket upgrades whose origin is not allowed.
struct ControlUIEndpoints: Sendable {
    let configuration: ControlUIConfiguration
    let webSocketPort: @Sendable () -> Int

    static let maxFileBytes = 32 << 20

    /// The answer to a WebSocket upgrade from a browser origin that is not allowed.
    static let originRefused = HTTPResponseSpec.json(
        .forbidden, #"{"error":"origin not allowed","hint":"start the gateway with --allowed-origin <origin>"}"#)

    /// The answer, without authentication, to a request whose `Host` is neither loopback nor
    /// allowed (DNS rebinding).
    static let hostRefused = HTTPResponseSpec.json(
        .forbidden, #"{"error":"host not allowed","hint":"without authentication only loopback hosts are served; start the gateway with --allowed-host <host> or set a token"}"#)

    func respond(_ request: HTTPRequestSummary) async -> HTTPResponseSpec {
        if request.path.hasPrefix("/avatar/") {
            return await avatar(request)
        }
        guard let directory = configuration.directory else {
            return request.path == "/" ? connectPage(request) : .notFound
        }
        return staticFile(request.path, in: directory)
    }

    private func avatar(_ request: HTTPRequestSummary) async -> HTTPResponseSpec {
        let agentId = String(request.path.dropFirst("/avatar/".count)).removingPercentEncoding ?? ""
        guard !agentId.isEmpty, !agentId.contains("/"), let avatar = await configuration.avatar(agentId) else {
            return .json(.notFound, #"{"error":"unknown agent"}"#)
        }
        let selfURL = "/avatar/" + (agentId.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? agentId)
        if request.query["meta"] == "1" {
            let object = ["avatarUrl": avatar.url ?? selfURL]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return .json(.ok, String(decoding: data, as: UTF8.self))
        }
        let glyph = avatar.glyph.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">\
            <rect width="64" height="64" rx="32" fill="#3b4252"/>\
            <text x="32" y="41" font-family="sans-serif" font-size="28" text-anchor="middle" fill="#eceff4">\(glyph)</text></svg>
            """
        return .text(.ok, svg, contentType: "image/svg+xml")
    }

    private func connectPage(_ request: HTTPRequestSummary) -> HTTPResponseSpec {
        let host = request.headers.first(name: "host") ?? "127.0.0.1:\(webSocketPort())"
        let page = """
            <!doctype html><html><head><meta charset="utf-8"><title>Kubeclaw gateway</title></head>
            <body style="font-family:sans-serif;max-width:40em;margin:3em auto">
            <h1>Kubeclaw gateway</h1>
            <p>This is an OpenClaw-compatible gateway (protocol v3). Connect an OpenClaw client or the
            OpenClaw Control UI to <code>ws://\(host)/</code> with the gateway token
            (<code>OPENCLAW_GATEWAY_TOKEN</code>).</p>
            <p>To serve a Control UI build from here, start the gateway with
            <code>--control-ui-dir PATH</code>.</p>
            </body></html>
            """
        return .text(.ok, page, contentType: "text/html; charset=utf-8")
    }

    private func staticFile(_ path: String, in directory: String) -> HTTPResponseSpec {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let relative = (path.removingPercentEncoding ?? path).split(separator: "/").filter { $0 != "." && !$0.isEmpty }
        guard !relative.contains("..") else { return .notFound }
        var file = relative.reduce(root) { $0.appendingPathComponent(String($1)) }
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory) || isDirectory.boolValue {
            // SPA routing: a path that is not a file is a client-side route.
            let namesAFile = relative.last?.contains(".") ?? false
            guard !namesAFile || isDirectory.boolValue else { return .notFound }
            file = root.appendingPathComponent("index.html")
        }
        guard file.standardizedFileURL.path.hasPrefix(root.path),
              let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
              let size = attributes[.size] as? Int, size <= Self.maxFileBytes,
              let data = FileManager.default.contents(atPath: file.path)
        else { return .notFound }
        var response = HTTPResponseSpec(status: .ok, contentType: Self.contentType(of: file.pathExtension), body: ByteBuffer(bytes: data))
        if file.lastPathComponent != "index.html" {
            response.headers.replaceOrAdd(name: "cache-control", value: "public, max-age=300")
        }
        return response
    }

    static func contentType(of fileExtension: String) -> String {
        switch fileExtension.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json", "map": "application/json; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "ico": "image/x-icon"
        case "woff": "font/woff"
        case "woff2": "font/woff2"
        case "txt": "text/plain; charset=utf-8"
        case "wasm": "application/wasm"
        default: "application/octet-stream"
        }
    }
}
