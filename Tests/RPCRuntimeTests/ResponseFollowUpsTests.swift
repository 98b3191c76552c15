import RPCRuntime
import Synchronization
import Testing

@Suite("ResponseFollowUps")
struct ResponseFollowUpsTests {
    @Test("work added while a response is pending waits for perform(), runs once in order; later work runs at once")
    func deferred() {
        let log = Mutex<[String]>([])
        let followUps = ResponseFollowUps()
        ResponseFollowUps.$current.withValue(followUps) {
            ResponseFollowUps.afterResponse { log.withLock { $0.append("first") } }
            ResponseFollowUps.afterResponse { log.withLock { $0.append("second") } }
        }
        #expect(log.withLock { $0 }.isEmpty)
        followUps.perform()
        followUps.perform()
        #expect(log.withLock { $0 } == ["first", "second"])
        followUps.add { log.withLock { $0.append("late") } }
        #expect(log.withLock { $0 } == ["first", "second", "late"])
    }

    @Test("outside a dispatch, afterResponse runs its work at once")
    func immediate() {
        let ran = Mutex(false)
        ResponseFollowUps.afterResponse { ran.withLock { $0 = true } }
        #expect(ran.withLock { $0 })
    }
}
