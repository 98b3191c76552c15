// Applied when the test bundle is loaded, before Swift Testing reads its configuration. Both
// settings only fill in a default: a variable already set by the caller is never overwritten.
//
// SWT_SWIFT_ERROR_BACKTRACING_ENABLED=0. Swift Testing hooks `swift_willThrow` and captures a
// stack backtrace (libgcc's unwinder) for every error thrown anywhere in the process. This
// package throws a lot by design: each JSON value decoded through Codable tries its kinds in
// turn, and every in-process gateway and client decodes thousands of frames. In a full
// `swift test` on 2 cores perf put 54 % of the test process's CPU in that unwinder, and the run
// took 1,362 s. Failures still name the test, the expectation and the error; they only lose the
// thrower's backtrace.
//
// SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=8. Unbounded, Swift Testing starts all ~440
// tests at once: on 2 cores a unit test that takes milliseconds alone waited 10 s for its turn,
// and tests whose peers time out after seconds (scripted WebSocket servers, clients waiting for
// a reply) failed together. Eight at a time keeps the waits of streaming tests overlapped
// without starving anyone.
#include "SwiftTestingSettings.h"

#include <stdlib.h>

__attribute__((constructor)) static void kubeclaw_swift_testing_settings(void) {
    setenv("SWT_SWIFT_ERROR_BACKTRACING_ENABLED", "0", 0);
    setenv("SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH", "8", 0);
}
