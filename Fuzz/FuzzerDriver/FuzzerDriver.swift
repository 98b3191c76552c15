/// Starts libFuzzer from a Swift `main`: SwiftPM links every executable with its own entry point,
/// so a fuzzer calls `LLVMFuzzerRunDriver` (libFuzzer's API for that) instead of relying on
/// libFuzzer's `main`. It parses the usual libFuzzer flags and never returns.
public enum FuzzerDriver {
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

    public static func run(_ testOneInput: TestOneInput) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: FuzzerDriver.TestOneInput
) -> CInt

@_silgen_name("exit")
private func exit(_ status: CInt) -> Never
