import Foundation
import GeneratedProtocol

// Shared helpers of the GeneratedProtocol tests: JSON text handling, the method → Swift types
// table, and the rule for which example members a generated type may drop.

/// Parses JSON text (the catalog stores examples as text).
func parseJSON(_ text: String) throws -> JSONValue {
    try JSONValue.parse(Data(text.utf8))
}

/// Compact JSON text with sorted keys: two values with the same text are the same JSON on the wire.
func canonicalText(_ value: JSONValue) throws -> String {
    String(decoding: try value.encodedData(sortedKeys: true), as: UTF8.self)
}

/// Decodes `value` as `type` and encodes it again.
func roundTrip<T: Codable>(_ value: JSONValue, as type: T.Type) throws -> JSONValue {
    try JSONValue(encoding: value.decode(as: type))
}

/// The dispatcher used for its static helpers (`decode`, `decodeParams`, `errorResponse`).
typealias ExampleDispatcher = Dispatcher<ExampleGateway>

// MARK: - Method → Swift types

/// The Swift params and result types of one method, behind a type-erased interface so tests can
/// iterate over `MethodName.allCases`.
protocol MethodCodec: Sendable {
    var paramsTypeName: String { get }
    var resultTypeName: String { get }
    /// `Dispatcher.decodeParams` (validate, then decode as the params type), encoded again.
    func decodeAndEncodeParams(_ params: JSONValue?, of method: MethodName) throws -> JSONValue
    /// Decodes as the result type and encodes again.
    func roundTripResult(_ result: JSONValue) throws -> JSONValue
}

struct Codec<Params: Codable & Sendable, Result: Codable & Sendable>: MethodCodec {
    var paramsTypeName: String { String(describing: Params.self) }
    var resultTypeName: String { String(describing: Result.self) }

    func decodeAndEncodeParams(_ params: JSONValue?, of method: MethodName) throws -> JSONValue {
        let decoded = try ExampleDispatcher.decodeParams(
            params, as: Params.self, schema: method.schemas.params, method: method)
        return try JSONValue(encoding: decoded)
    }

    func roundTripResult(_ result: JSONValue) throws -> JSONValue {
        try roundTrip(result, as: Result.self)
    }
}

extension MethodName {
    /// The params and result types `GatewayMethods` declares for this method.
    var codec: any MethodCodec {
        switch self {
        case .connect: Codec<ConnectParams, HelloOk>()
        case .chatSend: Codec<ChatSendParams, ChatSendResult>()
        case .chatHistory: Codec<ChatHistoryParams, ChatHistoryResult>()
        case .chatAbort: Codec<ChatAbortParams, ChatAbortResult>()
        case .agentsList: Codec<AgentsListParams, AgentsListResult>()
        case .agentIdentityGet: Codec<AgentIdentityParams, AgentIdentityResult>()
        case .sessionsList: Codec<SessionsListParams, SessionsListResult>()
        case .sessionsPatch: Codec<SessionsPatchParams, SessionsPatchResult>()
        case .sessionsDelete: Codec<SessionsDeleteParams, SessionsDeleteResult>()
        case .health: Codec<HealthParams, HealthSummary>()
        case .status: Codec<StatusParams, StatusSummary>()
        case .configGet: Codec<ConfigGetParams, ConfigGetResult>()
        case .modelsList: Codec<ModelsListParams, ModelsListResult>()
        case .agentWait: Codec<AgentWaitParams, AgentWaitResult>()
        case .channelsStatus: Codec<ChannelsStatusParams, ChannelsStatusResult>()
        case .chatInject: Codec<ChatInjectParams, ChatInjectResult>()
        case .commandsList: Codec<CommandsListParams, CommandsListResult>()
        case .logsTail: Codec<LogsTailParams, LogsTailResult>()
        case .modelsAuthStatus: Codec<ModelsAuthStatusParams, ModelsAuthStatusResult>()
        case .sessionsCreate: Codec<SessionsCreateParams, SessionsCreateResult>()
        case .sessionsMessagesSubscribe: Codec<SessionsMessagesSubscribeParams, SessionsMessagesSubscribeResult>()
        case .sessionsMessagesUnsubscribe: Codec<SessionsMessagesSubscribeParams, SessionsMessagesSubscribeResult>()
        case .sessionsPreview: Codec<SessionsPreviewParams, SessionsPreviewResult>()
        case .sessionsReset: Codec<SessionsResetParams, SessionsResetResult>()
        case .sessionsSubscribe: Codec<SessionsListParams, SessionsSubscribeResult>()
        case .sessionsUnsubscribe: Codec<SessionsUnsubscribeParams, SessionsSubscribeResult>()
        case .systemPresence: Codec<SystemPresenceParams, SystemPresenceResult>()
        }
    }
}

// MARK: - Event → Swift type

extension EventName {
    var payloadTypeName: String {
        switch self {
        case .agent: String(describing: AgentEvent.self)
        case .chat: String(describing: ChatEvent.self)
        case .connectChallenge: String(describing: ConnectChallenge.self)
        case .health: String(describing: HealthSummary.self)
        case .presence: String(describing: PresenceEvent.self)
        case .sessionMessage: String(describing: SessionMessageEvent.self)
        case .sessionsChanged: String(describing: SessionsChangedEvent.self)
        case .shutdown: String(describing: ShutdownEvent.self)
        case .tick: String(describing: TickEvent.self)
        }
    }

    /// Decodes `payload` as the event's `GatewayEvent` case.
    func event(decoding payload: JSONValue) throws -> GatewayEvent {
        switch self {
        case .agent: .agent(try payload.decode(as: AgentEvent.self))
        case .chat: .chat(try payload.decode(as: ChatEvent.self))
        case .connectChallenge: .connectChallenge(try payload.decode(as: ConnectChallenge.self))
        case .health: .health(try payload.decode(as: HealthSummary.self))
        case .presence: .presence(try payload.decode(as: PresenceEvent.self))
        case .sessionMessage: .sessionMessage(try payload.decode(as: SessionMessageEvent.self))
        case .sessionsChanged: .sessionsChanged(try payload.decode(as: SessionsChangedEvent.self))
        case .shutdown: .shutdown(try payload.decode(as: ShutdownEvent.self))
        case .tick: .tick(try payload.decode(as: TickEvent.self))
        }
    }
}
