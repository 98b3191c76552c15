import GatewayClient
import GeneratedProtocol

/// The events of one chat run on one connection, in arrival order, read by the run's id.
struct RunEvents {
    let run: ConformanceRun
    let runId: String
    /// Every event of the run's kind with the run's id.
    let frames: [ReceivedFrame]

    init(run: ConformanceRun, runId: String, log: FrameLog.Snapshot) {
        self.run = run
        self.runId = runId
        self.frames = log.frames.filter { Self.belongs($0, run: run, runId: runId) }
    }

    static func belongs(_ frame: ReceivedFrame, run: ConformanceRun, runId: String) -> Bool {
        FrameText.isEvent(frame, named: run.event) && frame.json?["payload"]?[run.runIdField]?.stringValue == runId
    }

    static func isTerminal(_ frame: ReceivedFrame, run: ConformanceRun, runId: String) -> Bool {
        belongs(frame, run: run, runId: runId) && run.terminalStates.contains(state(of: frame, run: run) ?? "")
    }

    static func state(of frame: ReceivedFrame, run: ConformanceRun) -> String? {
        frame.json?["payload"]?[run.stateField]?.stringValue
    }

    func state(of frame: ReceivedFrame) -> String? {
        Self.state(of: frame, run: run)
    }

    var deltas: [ReceivedFrame] { frames.filter { state(of: $0) == run.deltaState } }
    var terminals: [ReceivedFrame] { frames.filter { run.terminalStates.contains(state(of: $0) ?? "") } }

    /// The message text of an event (cumulative on deltas).
    func text(of frame: ReceivedFrame) -> String? {
        FrameText.messageText(frame.json?["payload"]?[run.eventMessageField])
    }

    /// Deltas, then exactly one terminal event, nothing after it, every state known, delta text
    /// cumulative (each delta extends the previous one; a final message extends the last delta).
    func checkOrdering() throws {
        var ended: ReceivedFrame?
        var lastText = ""
        for frame in frames {
            let state = state(of: frame) ?? "<none>"
            if let ended {
                throw CaseVerdict.fail(
                    "`\(run.event)` \(state) event after the run ended with \(self.state(of: ended) ?? "?")", excerpt: FrameText.excerpt(frame))
            }
            if state == run.deltaState {
                let text = self.text(of: frame) ?? ""
                guard text.hasPrefix(lastText) else {
                    throw CaseVerdict.fail(
                        "delta text is not cumulative: \"\(FrameText.excerpt(text))\" does not extend \"\(FrameText.excerpt(lastText))\"",
                        excerpt: FrameText.excerpt(frame))
                }
                lastText = text
            } else if run.terminalStates.contains(state) {
                if let text = self.text(of: frame), !text.hasPrefix(lastText) {
                    throw CaseVerdict.fail(
                        "the \(state) message \"\(FrameText.excerpt(text))\" does not extend the last delta \"\(FrameText.excerpt(lastText))\"",
                        excerpt: FrameText.excerpt(frame))
                }
                ended = frame
            } else {
                throw CaseVerdict.fail("`\(run.event)` event in unknown state \"\(state)\"", excerpt: FrameText.excerpt(frame))
            }
        }
    }
}
