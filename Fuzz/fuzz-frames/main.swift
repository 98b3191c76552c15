// libFuzzer's driver with this executable's own `main` (SwiftPM gives every executable one).
import FuzzerDriver
FuzzerDriver.run { fuzzFrame($0, $1) }
