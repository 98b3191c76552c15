import GatewayImpl
import Testing

/// Sessions: saved by key, labels unique, listed newest first with `sessions.list`'s filters.
@Suite("Session store: sessions")
struct SessionStoreSessionTests {
    @Test("a saved session reads back field for field; an unknown key reads nil", arguments: StoreBackend.allCases)
    func saveAndRead(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let record = SessionRecord(
                key: "agent:ops:discord:group:42", sessionId: "6f1c0d4e-8f0a-4a4b-9a0e-4b1d2c3e4f50", agentId: "ops",
                label: "standup", displayName: "Daily standup", model: "llama3.2:3b",
                settings: ["thinkingLevel": "high", "sendPolicy": "deny"], spawnedBy: "agent:ops:main", spawnDepth: 1,
                abortedLastRun: true, inputTokens: 1200, outputTokens: 340, createdAt: 1_700_000_000_000,
                updatedAt: 1_700_000_360_000)
            try await store.saveSession(record)

            #expect(try await store.session(key: record.key) == record)
            #expect(try await store.session(key: "agent:ops:main") == nil)
            #expect(try await store.sessionCount() == 1)
        }
    }

    @Test("saving an existing key replaces the session and keeps its transcript", arguments: StoreBackend.allCases)
    func saveReplacesByKey(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            var record = makeSession("agent:main:main", label: "old")
            try await store.saveSession(record)
            _ = try await store.appendMessage(makeMessage(record.key, "hello", at: 1_500))

            record.label = nil
            record.model = "qwen3:8b"
            record.settings = ["verboseLevel": "on"]
            record.updatedAt = 9_000
            try await store.saveSession(record)

            #expect(try await store.session(key: record.key) == record)
            #expect(try await store.sessionCount() == 1)
            #expect(try await store.messages(sessionKey: record.key, limit: 10).map(text(of:)) == ["hello"])
        }
    }

    @Test("a label held by another session is refused with labelInUse, and nothing changes", arguments: StoreBackend.allCases)
    func labelIsUnique(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:a", label: "work"))
            let intruder = makeSession("agent:main:b", label: "work")

            await #expect(throws: SessionStoreError.labelInUse("work")) {
                try await store.saveSession(intruder)
            }
            #expect(try await store.session(key: "agent:main:b") == nil)
            #expect(try await store.session(key: "agent:main:a")?.label == "work")
        }
    }

    @Test("a session may re-save its own label; any number of sessions may have no label; a freed label can be taken", arguments: StoreBackend.allCases)
    func labelReuse(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            var a = makeSession("agent:main:a", label: "work")
            try await store.saveSession(a)
            a.displayName = "renamed"
            try await store.saveSession(a)
            try await store.saveSession(makeSession("agent:main:b"))
            try await store.saveSession(makeSession("agent:main:c"))

            a.label = "home"
            try await store.saveSession(a)
            try await store.saveSession(makeSession("agent:main:d", label: "work"))

            #expect(try await store.sessions(matching: SessionQuery(label: "work")).map(\.key) == ["agent:main:d"])
            #expect(try await store.sessions(matching: SessionQuery(label: "home")).map(\.key) == ["agent:main:a"])
            #expect(try await store.sessionCount() == 4)
        }
    }

    @Test("sessions list newest updatedAt first, ties by key ascending", arguments: StoreBackend.allCases)
    func listOrder(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:b", updatedAt: 200))
            try await store.saveSession(makeSession("agent:main:old", updatedAt: 100))
            try await store.saveSession(makeSession("agent:main:new", updatedAt: 300))
            try await store.saveSession(makeSession("agent:main:a", updatedAt: 200))

            let keys = try await store.sessions(matching: SessionQuery()).map(\.key)
            #expect(keys == ["agent:main:new", "agent:main:a", "agent:main:b", "agent:main:old"])
        }
    }

    @Test("limit keeps the most recently updated sessions; a limit below 1 lists nothing", arguments: StoreBackend.allCases)
    func listLimit(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            for minute in 1...5 {
                try await store.saveSession(makeSession("agent:main:s\(minute)", updatedAt: Int64(minute) * 60_000))
            }
            #expect(try await store.sessions(matching: SessionQuery(limit: 2)).map(\.key) == ["agent:main:s5", "agent:main:s4"])
            #expect(try await store.sessions(matching: SessionQuery(limit: 50)).count == 5)
            #expect(try await store.sessions(matching: SessionQuery(limit: 0)).isEmpty)
        }
    }

    @Test("label, agentId and spawnedBy filter exactly, and combine with AND", arguments: StoreBackend.allCases)
    func exactFilters(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:main", label: "Home"))
            try await store.saveSession(makeSession("agent:ops:main", label: "ops"))
            try await store.saveSession(makeSession("agent:ops:subagent:1", spawnedBy: "agent:ops:main"))
            try await store.saveSession(makeSession("agent:main:subagent:2", spawnedBy: "agent:ops:main"))

            #expect(try await store.sessions(matching: SessionQuery(label: "Home")).map(\.key) == ["agent:main:main"])
            #expect(try await store.sessions(matching: SessionQuery(label: "home")).isEmpty)
            #expect(try await store.sessions(matching: SessionQuery(agentId: "ops")).map(\.key)
                == ["agent:ops:main", "agent:ops:subagent:1"])
            #expect(try await store.sessions(matching: SessionQuery(spawnedBy: "agent:ops:main")).map(\.key)
                == ["agent:main:subagent:2", "agent:ops:subagent:1"])
            #expect(try await store.sessions(matching: SessionQuery(agentId: "ops", spawnedBy: "agent:ops:main")).map(\.key)
                == ["agent:ops:subagent:1"])
        }
    }

    @Test("search matches a substring of key, label, displayName or sessionId, ignoring case, wildcards literal", arguments: StoreBackend.allCases)
    func search(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:telegram:dm:alice", updatedAt: 5))
            try await store.saveSession(makeSession("agent:main:x", updatedAt: 4, label: "Quarterly-Report"))
            try await store.saveSession(makeSession("agent:main:y", updatedAt: 3, displayName: "Ärger mit Öfen"))
            var byId = makeSession("agent:main:z", updatedAt: 2)
            byId.sessionId = "0b7e5f2a-aaaa-4bbb-8ccc-123456789abc"
            try await store.saveSession(byId)
            try await store.saveSession(makeSession("agent:main:100_percent", updatedAt: 1))

            func keys(_ search: String) async throws -> [String] {
                try await store.sessions(matching: SessionQuery(search: search)).map(\.key)
            }
            #expect(try await keys("ALICE") == ["agent:main:telegram:dm:alice"])
            #expect(try await keys("report") == ["agent:main:x"])
            #expect(try await keys("äRGER") == ["agent:main:y"])
            #expect(try await keys("AAAA-4BBB") == ["agent:main:z"])
            #expect(try await keys("0_p") == ["agent:main:100_percent"])
            #expect(try await keys("%").isEmpty)
            #expect(try await keys("nobody").isEmpty)
            #expect(try await keys("  ").count == 5)
        }
    }

    @Test("updatedSince keeps sessions updated at or after the instant", arguments: StoreBackend.allCases)
    func updatedSince(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:stale", updatedAt: 999))
            try await store.saveSession(makeSession("agent:main:edge", updatedAt: 1_000))
            try await store.saveSession(makeSession("agent:main:fresh", updatedAt: 1_001))

            #expect(try await store.sessions(matching: SessionQuery(updatedSince: 1_000)).map(\.key)
                == ["agent:main:fresh", "agent:main:edge"])
        }
    }

    @Test("cron:* sessions are never listed, even with every inclusion on, but exist and count", arguments: StoreBackend.allCases)
    func cronHidden(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("cron:nightly", updatedAt: 9_999))
            try await store.saveSession(makeSession("agent:main:main"))

            let everything = SessionQuery(search: "cron", includeGlobal: true, includeUnknown: true)
            #expect(try await store.sessions(matching: everything).isEmpty)
            #expect(try await store.sessions(matching: SessionQuery(includeGlobal: true, includeUnknown: true)).map(\.key)
                == ["agent:main:main"])
            #expect(try await store.session(key: "cron:nightly") != nil)
            #expect(try await store.sessionCount() == 2)
        }
    }

    @Test("global and unknown are listed only when includeGlobal / includeUnknown ask for them", arguments: StoreBackend.allCases)
    func specialKeys(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("global", updatedAt: 3))
            try await store.saveSession(makeSession("unknown", updatedAt: 2))
            try await store.saveSession(makeSession("agent:main:main", updatedAt: 1))

            #expect(try await store.sessions(matching: SessionQuery()).map(\.key) == ["agent:main:main"])
            #expect(try await store.sessions(matching: SessionQuery(includeGlobal: true)).map(\.key)
                == ["global", "agent:main:main"])
            #expect(try await store.sessions(matching: SessionQuery(includeUnknown: true)).map(\.key)
                == ["unknown", "agent:main:main"])
            #expect(try await store.sessions(matching: SessionQuery(includeGlobal: true, includeUnknown: true)).map(\.key)
                == ["global", "unknown", "agent:main:main"])
        }
    }

    @Test("delete with deleteTranscript removes the session and its messages", arguments: StoreBackend.allCases)
    func deleteWithTranscript(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:a"))
            try await store.saveSession(makeSession("agent:main:b"))
            _ = try await store.appendMessage(makeMessage("agent:main:a", "a1"))
            _ = try await store.appendMessage(makeMessage("agent:main:b", "b1"))

            #expect(try await store.deleteSession(key: "agent:main:a", deleteTranscript: true))
            #expect(try await store.session(key: "agent:main:a") == nil)
            #expect(try await store.messages(sessionKey: "agent:main:a", limit: 10).isEmpty)
            #expect(try await store.messages(sessionKey: "agent:main:b", limit: 10).map(text(of:)) == ["b1"])
            #expect(try await store.sessionCount() == 1)
        }
    }

    @Test("delete without deleteTranscript removes the session but keeps its messages", arguments: StoreBackend.allCases)
    func deleteKeepingTranscript(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:a"))
            _ = try await store.appendMessage(makeMessage("agent:main:a", "kept"))

            #expect(try await store.deleteSession(key: "agent:main:a", deleteTranscript: false))
            #expect(try await store.session(key: "agent:main:a") == nil)
            #expect(try await store.messages(sessionKey: "agent:main:a", limit: 10).map(text(of:)) == ["kept"])
        }
    }

    @Test("deleting a session that does not exist returns false", arguments: StoreBackend.allCases)
    func deleteMissing(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:main"))
            #expect(try await store.deleteSession(key: "agent:main:ghost", deleteTranscript: true) == false)
            #expect(try await store.sessionCount() == 1)
        }
    }
}
