// libFuzzer's driver with this executable's own `main` (SwiftPM gives every executable one).
import FuzzerDriver
FuzzerDriver.run { fuzzSpec($0, $1) }
