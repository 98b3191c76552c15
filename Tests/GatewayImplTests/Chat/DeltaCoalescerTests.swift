import Testing
@testable import GatewayImpl

@Suite struct DeltaCoalescerTests {
    let start = ContinuousClock.now

    @Test("the first token goes out at once, later ones at most once per interval, cumulatively")
    func coalescing() {
        var coalescer = DeltaCoalescer(interval: .milliseconds(150))
        #expect(coalescer.append("Hel", at: start)! == ("Hel", "Hel"))
        #expect(coalescer.append("lo", at: start + .milliseconds(50)) == nil)
        #expect(coalescer.append(", wor", at: start + .milliseconds(100)) == nil)
        #expect(coalescer.append("ld", at: start + .milliseconds(160))! == ("Hello, world", "lo, world"))
        #expect(!coalescer.hasPending)
    }

    @Test("pending text is flushed by the ticker once due, and before the final event regardless")
    func flushing() {
        var coalescer = DeltaCoalescer(interval: .milliseconds(150))
        _ = coalescer.append("a", at: start)
        _ = coalescer.append("b", at: start + .milliseconds(10))
        #expect(coalescer.flushIfDue(at: start + .milliseconds(100)) == nil)
        #expect(coalescer.flushIfDue(at: start + .milliseconds(151))! == ("ab", "b"))
        _ = coalescer.append("c", at: start + .milliseconds(160))
        #expect(coalescer.flush(at: start + .milliseconds(161))! == ("abc", "c"))
        #expect(coalescer.flush(at: start + .milliseconds(162)) == nil)
    }

    @Test("multi-byte text is split on token boundaries, never inside a character")
    func unicode() {
        var coalescer = DeltaCoalescer(interval: .milliseconds(150))
        _ = coalescer.append("héllo ", at: start)
        _ = coalescer.append("wörld 🌍", at: start + .milliseconds(1))
        #expect(coalescer.flush(at: start + .milliseconds(2))! == ("héllo wörld 🌍", "wörld 🌍"))
    }
}
