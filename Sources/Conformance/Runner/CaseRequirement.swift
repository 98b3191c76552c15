import GeneratedProtocol

extension ConformanceCase {
    /// What the gateway must give a client before this case can say anything: the handshake
    /// cases that expect a refusal need only a WebSocket whose `connect` is answered; every
    /// other case needs a completed handshake (the event payload cases judge what the others saw).
    var requiredLevel: PreflightReport.Level {
        switch kind {
        case .challengeFirst, .requestBeforeConnect, .rejectedCredentials, .protocolMismatch, .connectRejected:
            .webSocket
        case .negotiation, .connectExample, .unknownMethod, .malformedFrame, .binaryFrame, .oversizeMessage, .responseIdEcho,
             .sequenceIncreasing, .validExample, .invalidExample, .chatOrdering, .abortDuringStream, .historyContainsExchange,
             .eventOrder, .eventPayloads:
            .handshake
        }
    }

    /// Whether running the case may stop the gateway (the `shutdown` event's trigger, with a
    /// shutdown command): the runner runs it after every other case.
    var stopsGateway: Bool {
        if case .eventPayloads(_, _, .gatewayShutdown?) = kind { true } else { false }
    }
}
