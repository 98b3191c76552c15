#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, docs/security.md "Fuzzing and sanitizers") with ASan and
# runs each for a bounded time from the committed corpus; fails on any crash, leak, trap or hang.
#
#   scripts/fuzz-smoke.sh                 # ~60 s of fuzzing in all (plus the build)
#   FUZZ_SECONDS=600 scripts/fuzz-smoke.sh  # longer: FUZZ_SECONDS split the same way
#   FUZZ_CONFIG=release FUZZ_BUILD_ONLY=1 scripts/fuzz-smoke.sh
#                                         # an optimised build (.build-fuzz-release) for long runs
#                                         # (docs/security.md, "Runs"); no fuzzing
#
# The build lives in .build-fuzz (ASan + coverage for every module, so it shares nothing with
# .build). New corpus entries go to a temporary directory: the committed corpus only changes
# by hand (a crashing input is added there with its regression test).
set -euo pipefail
cd "$(dirname "$0")/.."

total=${FUZZ_SECONDS:-60}
jobs=${FUZZ_BUILD_JOBS:-2}
config=${FUZZ_CONFIG:-debug}
scratch=.build-fuzz
if [ "$config" = release ]; then scratch=.build-fuzz-release; fi
# ASan everywhere, libFuzzer's coverage everywhere; only the fuzzers link libFuzzer itself
# (Package.swift). lld: gold fails on ASan's symbols.
flags=(-c "$config" --scratch-path "$scratch" -j "$jobs"
    -Xswiftc -sanitize=address
    -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table
    -Xswiftc -use-ld=lld)

build_started=$SECONDS
build_log=$(mktemp)
for fuzzer in fuzz-spec fuzz-frames; do
    # Without the linker's notes on ASan's local symbols and a dependency's stray CMakeLists.
    if ! KUBECLAW_FUZZ=1 swift build "${flags[@]}" --product "$fuzzer" >"$build_log" 2>&1; then
        grep -v -e "Cannot export local symbol" -e "which are unhandled" -e "CMakeLists.txt$" "$build_log" >&2
        echo "error: $fuzzer did not build" >&2
        exit 1
    fi
    grep -v -e "Cannot export local symbol" -e "which are unhandled" -e "CMakeLists.txt$" "$build_log" | tail -3
done
rm -f "$build_log"
echo "fuzz build: $((SECONDS - build_started)) s"
if [ -n "${FUZZ_BUILD_ONLY:-}" ]; then exit 0; fi

# Fuzz/lsan.supp: two kinds of one-time Swift runtime allocations that LSan cannot see are held.
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fuzz-frames gets two thirds of the time: it is slower per input and covers more code.
run() {
    local fuzzer=$1 corpus=$2 seconds=$3
    shift 3
    mkdir -p "$work/$corpus" "$work/artifacts"
    echo "== $fuzzer: $seconds s"
    if ! "$scratch/$config/$fuzzer" "$work/$corpus" "Fuzz/Corpus/$corpus" \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "$@" 2>"$work/$fuzzer.log"; then
        tail -60 "$work/$fuzzer.log" >&2
        echo "error: $fuzzer failed; the input is in:" >&2
        ls "$work/artifacts" >&2
        mkdir -p "$scratch/artifacts" && cp "$work/artifacts/"* "$scratch/artifacts/" 2>/dev/null || true
        echo "(copied to $scratch/artifacts/)" >&2
        exit 1
    fi
    grep -E "^(Done|stat::number_of_executed_units|stat::average_exec_per_sec)" "$work/$fuzzer.log"
}
fuzz_started=$SECONDS
run fuzz-spec spec $((total / 3)) -max_len=20000 -dict=Fuzz/spec.dict
run fuzz-frames frames $((total - total / 3)) -max_len=4096 -dict=Fuzz/frames.dict
echo "fuzz smoke: $((SECONDS - fuzz_started)) s of fuzzing, no findings"
