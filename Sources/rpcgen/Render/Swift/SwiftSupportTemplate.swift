/// The spec-independent part of the generated Swift module: JSON values, nullable fields,
/// the schema validator and the typed error. Emitted verbatim as `Support.swift`.
enum SwiftSupportTemplate {
    static let text = #####"""
import Foundation
import Synchronization

/// Any JSON value: the Swift type of schema nodes the spec leaves open (`{}`).
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Codable offers no way to ask a value's kind, so each kind is tried in turn, and every
    /// miss throws (and allocates) a DecodingError. The order puts the kinds frames are made of
    /// first: strings, then objects; a string or container can never decode as a scalar, so
    /// trying them early changes no result, and Bool stays before Int before Double.
    public init(from decoder: any Decoder) throws {
        if let decoder = decoder as? JSONValueDecoder {
            self = decoder.value
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Numbers compare by value: `1` and `1.0` are the same JSON number.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)): Int(exactly: b) == a
        default:
            if let a = lhs.doubleValue, let b = rhs.doubleValue { a == b } else { false }
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .integer(let value): hasher.combine(Double(value))
        case .number(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let value): hasher.combine(value)
        case .object(let value): hasher.combine(value)
        }
    }

    /// The JSON Schema type name of this value, as used in validation messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number(let value): value.rounded() == value ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// The value as an exact integer, or nil.
    public var intValue: Int? {
        switch self {
        case .integer(let value): value
        case .number(let value) where value.rounded() == value && abs(value) < 9.0e15: Int(value)
        default: nil
        }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// Compact JSON text with sorted keys.
    public var description: String {
        (try? encodedData(sortedKeys: true)).flatMap { String(decoding: $0, as: UTF8.self) } ?? "<unencodable>"
    }

    /// Parses JSON text.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Converts any encodable value (a generated type, say) to its JSON value.
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    /// Decodes this value as `type`, straight from the value: no JSON text in between. Numbers
    /// decode as JSONDecoder decodes them (an integer type takes only an exact, in-range value).
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONValueDecoder(value: self, codingPath: []).decodeValue(as: type)
    }

    /// JSON text of this value.
    public func encodedData(sortedKeys: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = sortedKeys ? [.sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// A `Decoder` reading a ``JSONValue`` (``JSONValue/decode(as:)``): a frame parsed once is
/// validated and then decoded into its typed params without being written out as text and
/// parsed again.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: JSONValue].self, value, codingPath) }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([JSONValue].self, value, codingPath) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: JSONValue]
        let codingPath: [any CodingKey]
        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        private func member(_ key: Key) throws -> JSONValue {
            guard let value = members[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no member \"\(key.stringValue)\""))
            }
            return value
        }

        func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try JSONValueDecoder(value: try member(key), codingPath: codingPath + [key]).decodeValue(as: type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONValueDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONValueDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            JSONValueDecoder(value: members["super"] ?? .null, codingPath: codingPath)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            JSONValueDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let codingPath: [any CodingKey]
        private(set) var currentIndex = 0
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        init(elements: [JSONValue], codingPath: [any CodingKey]) {
            self.elements = elements
            self.codingPath = codingPath
        }

        private mutating func next() throws -> JSONValueDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "the array has no more elements"))
            }
            defer { currentIndex += 1 }
            return JSONValueDecoder(value: elements[currentIndex], codingPath: codingPath + [IndexKey(intValue: currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(as: type) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct SingleValueContainer: SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { value == .null }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let bool) = value else { throw mismatch(type, value, codingPath) }
            return bool
        }

        func decode(_ type: String.Type) throws -> String {
            guard case .string(let string) = value else { throw mismatch(type, value, codingPath) }
            return string
        }

        func decode(_ type: Double.Type) throws -> Double {
            guard let number = value.doubleValue else { throw mismatch(type, value, codingPath) }
            return number
        }

        func decode(_ type: Float.Type) throws -> Float {
            guard let number = value.doubleValue, abs(number) <= Double(Float.greatestFiniteMagnitude) else { throw mismatch(type, value, codingPath) }
            return Float(number)
        }

        func decode(_ type: Int.Type) throws -> Int { try integer(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONValueDecoder(value: value, codingPath: codingPath).decodeValue(as: type)
        }

        /// An exact, in-range integer: `2` and `2.0` decode, `2.5` and `1e300` do not (never a trap).
        private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
            let exact: I? = switch value {
            case .integer(let integer): I(exactly: integer)
            case .number(let number): I(exactly: number)
            default: nil
            }
            guard let exact else { throw mismatch(type, value, codingPath) }
            return exact
        }
    }

    /// Scalars straight from the value; everything else through its own `init(from:)`.
    func decodeValue<T: Decodable>(as type: T.Type) throws -> T {
        if T.self == JSONValue.self, let value = value as? T { return value }
        return try T(from: self)
    }

    struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { intValue.map(String.init) ?? "" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}

private func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
    DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(type), found \(value.typeName)"))
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// A coding key for members the schema does not declare (kept by open objects).
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }

    public init(_ stringValue: String) {
        self.stringValue = stringValue
    }

    public init(stringValue: String) {
        self.stringValue = stringValue
    }

    public init?(intValue: Int) {
        nil
    }
}

/// A field whose `null` means something ("clear this"), distinct from the field being absent
/// (an optional `Nullable` that is `nil`).
public enum Nullable<Wrapped: Sendable & Equatable & Codable>: Sendable, Equatable, Codable {
    case null
    case value(Wrapped)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .null : .value(try container.decode(Wrapped.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .value(let value): try container.encode(value)
        }
    }

    /// The value, or nil when it is `null`.
    public var wrapped: Wrapped? {
        if case .value(let value) = self { return value }
        return nil
    }

    /// `null` stays `null`; a value is transformed.
    public func map<Other>(_ transform: (Wrapped) throws -> Other) rethrows -> Nullable<Other> {
        switch self {
        case .null: .null
        case .value(let value): .value(try transform(value))
        }
    }
}

/// The subscription-gated events one connection asked for (see `EventName.subscription`). The
/// transport keeps one per connection, so subscriptions end with the connection; keyed
/// subscriptions are bounded per event by `keyLimit`, and a new key beyond it evicts the one
/// subscribed longest ago.
public final class EventSubscriptions: Sendable, Equatable {
    private struct State {
        var events: Set<EventName> = []
        /// Per keyed event, its keys in subscription order.
        var keys: [EventName: [String]] = [:]
    }

    /// Keys a connection may hold per keyed event.
    public let keyLimit: Int
    private let state = Mutex(State())

    public init(keyLimit: Int = 256) {
        self.keyLimit = max(1, keyLimit)
    }

    /// Starts delivering `event` (for `key`, when the event is keyed). Returns the key evicted
    /// to stay within ``keyLimit``, if any.
    @discardableResult
    public func subscribe(_ event: EventName, key: String? = nil) -> String? {
        state.withLock { state in
            guard let key else {
                state.events.insert(event)
                return nil
            }
            var keys = state.keys[event] ?? []
            keys.removeAll { $0 == key }
            keys.append(key)
            let evicted = keys.count > keyLimit ? keys.removeFirst() : nil
            state.keys[event] = keys
            return evicted
        }
    }

    /// Stops delivering `event` (for `key`, when the event is keyed).
    public func unsubscribe(_ event: EventName, key: String? = nil) {
        state.withLock { state in
            guard let key else {
                state.events.remove(event)
                return
            }
            state.keys[event]?.removeAll { $0 == key }
            if state.keys[event]?.isEmpty == true { state.keys[event] = nil }
        }
    }

    /// Whether an event with this name (and subscription key) goes to this connection: always
    /// for events nobody subscribes to, else only after the matching subscribe.
    public func wants(_ event: EventName, key: String?) -> Bool {
        guard let subscription = event.subscription else { return true }
        return state.withLock { state in
            guard subscription.keyField != nil else { return state.events.contains(event) }
            guard let key else { return false }
            return state.keys[event]?.contains(key) ?? false
        }
    }

    /// Keyed subscriptions held for `event`.
    public func keys(for event: EventName) -> [String] {
        state.withLock { $0.keys[event] ?? [] }
    }

    /// Identity: two connections never share subscriptions.
    public static func == (lhs: EventSubscriptions, rhs: EventSubscriptions) -> Bool {
        lhs === rhs
    }
}

/// How a subscription-gated event is asked for.
public struct EventSubscription: Sendable, Equatable {
    /// The method that starts delivery.
    public var subscribe: String
    /// The method that stops it.
    public var unsubscribe: String
    /// The payload member a subscription names, or nil when one subscription covers every event.
    public var keyField: String?

    public init(subscribe: String, unsubscribe: String, keyField: String?) {
        self.subscribe = subscribe
        self.unsubscribe = unsubscribe
        self.keyField = keyField
    }
}

/// A validation schema from the spec (the documented JSON-Schema subset).
public indirect enum Schema: Sendable {
    public indirect enum Additional: Sendable {
        case forbidden
        case allowed
        case schema(Schema)
    }

    case any
    /// A definition of the spec, by name.
    case ref(String)
    case null
    case boolean
    case string(minLength: Int?, maxLength: Int?, constant: String?)
    case integer(minimum: Double?, maximum: Double?)
    case number(minimum: Double?, maximum: Double?)
    case array(items: Schema, minItems: Int?, maxItems: Int?)
    /// `protocolRules`: the `x-protocol` rules of properties, by property name.
    case object(properties: [String: Schema], required: [String], additional: Additional, protocolRules: [String: ProtocolRule] = [:])
    case enumeration([String], open: Bool)
    case nullable(Schema)
}

/// A property's `x-protocol`: the protocol versions it exists in and those it is required in.
public struct ProtocolRule: Sendable, Equatable {
    public var from: Int?
    public var until: Int?
    public var requiredFrom: Int?
    public var requiredUntil: Int?
    /// The requirement applies only when these sibling properties have these string values.
    public var when: [String: String]

    public init(from: Int? = nil, until: Int? = nil, requiredFrom: Int? = nil, requiredUntil: Int? = nil, when: [String: String] = [:]) {
        self.from = from
        self.until = until
        self.requiredFrom = requiredFrom
        self.requiredUntil = requiredUntil
        self.when = when
    }

    /// Whether the property exists in protocol `version`.
    public func isAvailable(in version: Int) -> Bool {
        (from.map { version >= $0 } ?? true) && (until.map { version <= $0 } ?? true)
    }

    /// Whether the property must be present in protocol `version`, given its siblings.
    public func isRequired(in version: Int, siblings: [String: JSONValue]) -> Bool {
        guard requiredFrom != nil || requiredUntil != nil else { return false }
        guard (requiredFrom.map { version >= $0 } ?? true), (requiredUntil.map { version <= $0 } ?? true) else { return false }
        return when.allSatisfy { siblings[$0.key]?.stringValue == $0.value }
    }
}

/// Work a method defers until its response is on its way: OpenClaw sends some events after a
/// response (a run's lifecycle end after the `chat.abort` answer). The dispatcher binds
/// ``current`` while a method runs and performs the work right after it handed the response to
/// the transport. Work added when no response is pending — outside a dispatch, or by a task
/// that outlived its request — runs at once.
public final class ResponseFollowUps: Sendable {
    @TaskLocal public static var current: ResponseFollowUps?

    private struct State {
        var work: [@Sendable () -> Void] = []
        var performed = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` once the response of the request being dispatched is handed to the transport.
    public static func afterResponse(_ body: @escaping @Sendable () -> Void) {
        if let current { current.add(body) } else { body() }
    }

    /// Defers `body` until ``perform()``, or runs it now when that already happened.
    public func add(_ body: @escaping @Sendable () -> Void) {
        let deferred = state.withLock { state in
            guard !state.performed else { return false }
            state.work.append(body)
            return true
        }
        if !deferred { body() }
    }

    /// Runs the deferred work in the order it was added; later work runs at once.
    public func perform() {
        let work = state.withLock { state in
            state.performed = true
            defer { state.work = [] }
            return state.work
        }
        for body in work { body() }
    }
}

/// The first place a value breaks its schema.
public struct SchemaViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON pointer of the offending value inside the validated value (`/` for the value itself).
    public var path: String
    /// What is wrong, in the words JSON Schema validators use.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "at \(path): \(message)" }
}

/// Validates JSON values against schemas, resolving `$ref`s through `resolve`.
public struct SchemaValidator: Sendable {
    private let resolve: @Sendable (String) -> Schema?

    public init(resolve: @escaping @Sendable (String) -> Schema?) {
        self.resolve = resolve
    }

    /// The first violation, or nil when `value` conforms to `schema`. With a `protocol`
    /// version, properties' `x-protocol` rules apply too: a property that version lacks is a
    /// violation, and so is a missing property that version requires.
    public func firstViolation(of value: JSONValue, against schema: Schema, protocol version: Int? = nil) -> SchemaViolation? {
        var path: [String] = []
        return check(value, schema, version, &path)
    }

    private func violation(_ path: [String], _ message: String) -> SchemaViolation {
        SchemaViolation(path: path.isEmpty ? "/" : "/" + path.joined(separator: "/"), message: message)
    }

    private func check(_ value: JSONValue, _ schema: Schema, _ version: Int?, _ path: inout [String]) -> SchemaViolation? {
        switch schema {
        case .any:
            return nil
        case .ref(let name):
            guard let target = resolve(name) else { return violation(path, "unknown schema \(name)") }
            return check(value, target, version, &path)
        case .null:
            return value == .null ? nil : violation(path, "must be null")
        case .boolean:
            return value.boolValue == nil ? violation(path, "must be boolean") : nil
        case .string(let minLength, let maxLength, let constant):
            guard let string = value.stringValue else { return violation(path, "must be string") }
            let length = string.unicodeScalars.count
            if let minLength, length < minLength { return violation(path, "must NOT have fewer than \(minLength) characters") }
            if let maxLength, length > maxLength { return violation(path, "must NOT have more than \(maxLength) characters") }
            if let constant, string != constant { return violation(path, "must be equal to constant \"\(constant)\"") }
            return nil
        case .integer(let minimum, let maximum):
            guard let number = value.doubleValue, number.rounded() == number else { return violation(path, "must be integer") }
            if case .number(let double) = value, Int(exactly: double) == nil {
                return violation(path, "must be a 64-bit integer")
            }
            return bounds(number, minimum, maximum, path)
        case .number(let minimum, let maximum):
            guard let number = value.doubleValue else { return violation(path, "must be number") }
            return bounds(number, minimum, maximum, path)
        case .enumeration(let values, let open):
            guard let string = value.stringValue else { return violation(path, "must be string") }
            if open || values.contains(string) { return nil }
            return violation(path, "must be equal to one of the allowed values: \(values.joined(separator: ", "))")
        case .nullable(let inner):
            return value == .null ? nil : check(value, inner, version, &path)
        case .array(let items, let minItems, let maxItems):
            guard let array = value.arrayValue else { return violation(path, "must be array") }
            if let minItems, array.count < minItems { return violation(path, "must NOT have fewer than \(minItems) items") }
            if let maxItems, array.count > maxItems { return violation(path, "must NOT have more than \(maxItems) items") }
            for (index, item) in array.enumerated() {
                path.append(String(index))
                defer { path.removeLast() }
                if let found = check(item, items, version, &path) { return found }
            }
            return nil
        case .object(let properties, let required, let additional, let rules):
            guard let members = value.objectValue else { return violation(path, "must be object") }
            for name in required where members[name] == nil {
                return violation(path, "must have required property '\(name)'")
            }
            if let version {
                for name in rules.keys.sorted() {
                    guard let rule = rules[name] else { continue }
                    if members[name] != nil, !rule.isAvailable(in: version) {
                        return violation(path, "must NOT have property '\(name)' in protocol \(version)")
                    }
                    if members[name] == nil, rule.isRequired(in: version, siblings: members) {
                        return violation(path, "must have required property '\(name)' in protocol \(version)")
                    }
                }
            }
            for key in members.keys.sorted() {
                let member = members[key] ?? .null
                let memberSchema: Schema
                if let declared = properties[key] {
                    memberSchema = declared
                } else {
                    switch additional {
                    case .allowed: continue
                    case .forbidden: return violation(path, "must NOT have additional properties ('\(key)')")
                    case .schema(let valueSchema): memberSchema = valueSchema
                    }
                }
                path.append(key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1"))
                defer { path.removeLast() }
                if let found = check(member, memberSchema, version, &path) { return found }
            }
            return nil
        }
    }

    private func bounds(_ number: Double, _ minimum: Double?, _ maximum: Double?, _ path: [String]) -> SchemaViolation? {
        if let minimum, number < minimum { return violation(path, "must be >= \(Self.format(minimum))") }
        if let maximum, number > maximum { return violation(path, "must be <= \(Self.format(maximum))") }
        return nil
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 9.0e15 ? String(Int(value)) : String(value)
    }
}

/// An error a method implementation throws to answer with a specific error code.
///
/// The dispatcher turns it into the response's `error` object; any other thrown error becomes
/// an internal error that reveals nothing about its cause.
public struct GatewayError: Error, Sendable, Equatable {
    public var code: ErrorCode
    public var message: String
    public var details: JSONValue?
    public var retryable: Bool?
    public var retryAfterMs: Int?
    /// A payload sent along with the error (OpenClaw's `chat.send` does this for failed runs).
    public var payload: JSONValue?

    public init(
        _ code: ErrorCode, _ message: String, details: JSONValue? = nil, retryable: Bool? = nil,
        retryAfterMs: Int? = nil, payload: JSONValue? = nil
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.retryable = retryable
        self.retryAfterMs = retryAfterMs
        self.payload = payload
    }
}
"""#####
}
