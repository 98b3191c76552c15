import Foundation


/// libFuzzer entry: the bytes as a spec file through rpcgen's parse → resolve → translate.
/// A broken spec must end in a thrown `DiagnosticsError` — never a trap, a hang or a leak.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    do {
        let parsed = try SpecParser.parse(data, file: "fuzz.json")
        _ = SpecTranslator.translate(try SpecResolver.resolve(parsed))
    } catch is DiagnosticsError {
        // The expected outcome for nearly every input.
    } catch {
        fatalError("rpcgen threw something other than diagnostics: \(error)")
    }
    return 0
}
