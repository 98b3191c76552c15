import Foundation
import RPCRuntime
import Testing

@Suite("Nullable")
struct NullableTests {
    @Test("null and a value survive encoding and decoding; map keeps null")
    func roundTrip() throws {
        let values: [Nullable<Int>] = [.null, .value(7)]
        let text = String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
        #expect(text == "[null,7]")
        #expect(try JSONDecoder().decode([Nullable<Int>].self, from: Data(text.utf8)) == values)
        #expect(try JSONValue.parse(Data(text.utf8)).decode(as: [Nullable<Int>].self) == values)
        #expect(values.map(\.wrapped) == [nil, 7])
        #expect(values.map { $0.map { String($0) } } == [.null, .value("7")])
    }

    @Test("a value of the wrong type is a decoding error, not null")
    func wrongType() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Nullable<Int>].self, from: Data(#"["x"]"#.utf8)) }
    }
}
