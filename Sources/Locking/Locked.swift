#if KUBECLAW_TSAN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock in ThreadSanitizer builds (`KUBECLAW_TSAN=1 swift build --sanitize=thread`, which
/// defines `KUBECLAW_TSAN` for this module only; docs/security.md): the shape of the standard
/// library's `Mutex`, over a `pthread_mutex_t`, which TSan intercepts. TSan does not see `Mutex`
/// on Linux, so with it every access to guarded state is reported as a race.
public struct Locked<Value>: ~Copyable, @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let value: UnsafeMutablePointer<Value>

    public init(_ initialValue: consuming sending Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        value = .allocate(capacity: 1)
        value.initialize(to: initialValue)
    }

    deinit {
        value.deinitialize(count: 1)
        value.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}
#else
import Synchronization

/// The lock every module uses: the standard library's `Mutex`. ThreadSanitizer builds
/// (`KUBECLAW_TSAN=1 swift build --sanitize=thread`) get a pthread-backed type of the same shape
/// instead, because TSan does not see `Mutex` on Linux (docs/security.md, "Sanitizers on the
/// test suite").
public typealias Locked<Value> = Mutex<Value>
#endif
