import GeneratedProtocol

extension Gateway {
    public func sessionsSubscribe(_ params: SessionsListParams, context: CallerContext) async throws -> SessionsSubscribeResult {
        context.subscriptions.subscribe(.sessionsChanged)
        // `{}` is the Control UI's call on every hello; any filter also asks for the list.
        guard params != SessionsListParams() else { return SessionsSubscribeResult(subscribed: true) }
        return SessionsSubscribeResult(list: try await sessionsList(params, context: context), subscribed: true)
    }

    public func sessionsUnsubscribe(_ params: SessionsUnsubscribeParams, context: CallerContext) async throws -> SessionsSubscribeResult {
        context.subscriptions.unsubscribe(.sessionsChanged)
        return SessionsSubscribeResult(subscribed: false)
    }

    public func sessionsMessagesSubscribe(
        _ params: SessionsMessagesSubscribeParams, context: CallerContext
    ) async throws -> SessionsMessagesSubscribeResult {
        let key = try canonicalKey(params.key, agentId: params.agentId).description
        if let evicted = context.subscriptions.subscribe(.sessionMessage, key: key) {
            logger.debug("session message subscription evicted", metadata: ["conn": "\(context.connId.prefix(8))", "key": "\(evicted)"])
        }
        return SessionsMessagesSubscribeResult(key: key, subscribed: true)
    }

    public func sessionsMessagesUnsubscribe(
        _ params: SessionsMessagesSubscribeParams, context: CallerContext
    ) async throws -> SessionsMessagesSubscribeResult {
        let key = try canonicalKey(params.key, agentId: params.agentId).description
        context.subscriptions.unsubscribe(.sessionMessage, key: key)
        return SessionsMessagesSubscribeResult(key: key, subscribed: false)
    }
}
