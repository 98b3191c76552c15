import GeneratedProtocol

extension Gateway {
    public func agentsList(_ params: AgentsListParams, context: CallerContext) async throws -> AgentsListResult {
        let agent = settings.agent
        return AgentsListResult(
            agents: [AgentSummary(id: agent.id, identity: identity(), name: agent.name)],
            defaultId: agent.id, mainKey: "main", scope: .perSender)
    }

    public func agentIdentityGet(_ params: AgentIdentityParams, context: CallerContext) async throws -> AgentIdentityResult {
        let agent = settings.agent
        if let raw = params.sessionKey, !raw.isEmpty {
            let key = try canonicalKey(raw)
            guard key.agentId == agent.id else {
                throw GatewayError.invalidRequest("unknown agent '\(key.agentId)' in session key")
            }
        }
        if let agentId = params.agentId, SessionKey.normalizedAgentId(agentId) != agent.id {
            throw GatewayError.invalidRequest("unknown agent: \(agentId)")
        }
        return AgentIdentityResult(
            agentId: agent.id, avatar: agent.avatar ?? "/avatar/\(agent.id)", emoji: agent.emoji,
            name: String(agent.name.prefix(50)))
    }

    private func identity() -> AgentSummary.Identity {
        let agent = settings.agent
        return AgentSummary.Identity(
            avatar: agent.avatar, avatarUrl: "/avatar/\(agent.id)", emoji: agent.emoji, name: agent.name, theme: agent.description)
    }
}
