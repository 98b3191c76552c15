/// One measured figure: the system under test beside the floor, with their ratio.
struct Figure: Encodable, Sendable {
    enum Better: String, Encodable, Sendable {
        case higher, lower
    }

    /// Stable key, e.g. `rpc.16.roundTripsPerSecond` (the chart and docs use it).
    var key: String
    var scenario: String
    var title: String
    var unit: String
    var better: Better
    /// What the system under test measured (nil: not measured, see `note`).
    var value: Double?
    /// What the floor measured in the same run (nil: the figure has no floor).
    var floor: Double?
    /// `value / floor`.
    var ratio: Double? {
        guard let value, let floor, floor != 0 else { return nil }
        return value / floor
    }
    /// Latency distributions behind the figure, by system (`kubeclaw`, `floor`).
    var latency: [String: LatencySummary] = [:]
    /// The goal for it, in words, if it has one.
    var goal: String?
    var note: String?

    private enum CodingKeys: String, CodingKey {
        case key, scenario, title, unit, better, value, floor, ratio, latency, goal, note
    }

    init(
        key: String, scenario: String, title: String, unit: String, better: Better, value: Double?, floor: Double? = nil,
        latency: [String: LatencySummary] = [:], goal: String? = nil, note: String? = nil
    ) {
        self.key = key
        self.scenario = scenario
        self.title = title
        self.unit = unit
        self.better = better
        self.value = value
        self.floor = floor
        self.latency = latency
        self.goal = goal
        self.note = note
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(title, forKey: .title)
        try container.encode(unit, forKey: .unit)
        try container.encode(better, forKey: .better)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encodeIfPresent(floor, forKey: .floor)
        try container.encodeIfPresent(ratio, forKey: .ratio)
        if !latency.isEmpty { try container.encode(latency, forKey: .latency) }
        try container.encodeIfPresent(goal, forKey: .goal)
        try container.encodeIfPresent(note, forKey: .note)
    }
}
