#!/usr/bin/env bash
# Every benchmark in one command: a release build, the load harness (all scenarios, the echo
# floor beside each), the ordo-one micro-benchmarks, then JSON, a Markdown table and a PNG
# chart in the output directory. Loopback only; every process started is stopped by PID.
#
#   Benchmarks/scripts/run-all.sh [--out DIR] [--label NAME] [--before FILE.json] [-- kubeclaw-bench options…]
#
#   --out DIR          where results go (default Benchmarks/results/<date>-<commit>)
#   --label NAME       the column name of this run in the table and chart (default: the commit)
#   --before FILE      an earlier run's harness.json: the table and chart show both
#   --skip-micro       no ordo-one micro-benchmarks
#   after --            passed to kubeclaw-bench, e.g. -- --soak-duration 120 rpc idle soak
set -euo pipefail
cd "$(dirname "$0")/../.."

out="" label="" before="" micro=1 harness_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        --label) label=$2; shift 2 ;;
        --before) before=$2; shift 2 ;;
        --skip-micro) micro=0; shift ;;
        --) shift; harness_args=("$@"); break ;;
        *) echo "unknown option $1 (see the header of $0)" >&2; exit 64 ;;
    esac
done
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
out=${out:-Benchmarks/results/$(date +%Y%m%d-%H%M)-$commit}
label=${label:-$commit}
mkdir -p "$out"

echo "== release build (kubeclaw, ollama-sim, bench-echo-server, kubeclaw-bench)"
for product in kubeclaw ollama-sim bench-echo-server kubeclaw-bench; do
    swift build -c release --product "$product"
done
bin=$(swift build -c release --show-bin-path)

echo "== load harness (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
"$bin/kubeclaw-bench" --json "$out/harness.json" "${harness_args[@]}" | tee "$out/harness.txt"

if [ "$micro" = 1 ]; then
    echo "== micro-benchmarks (ordo-one/benchmark)"
    # A package of its own (Benchmarks/Micro/Package.swift says why), with its own .build.
    (cd Benchmarks/Micro && swift package benchmark --target ProtocolCodec --no-progress) | tee "$out/micro.txt"
fi

echo "== table and chart"
venv=${XDG_CACHE_HOME:-$HOME/.cache}/kubeclaw-bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import matplotlib' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'matplotlib>=3.8'
fi
runs=()
[ -n "$before" ] && runs+=("$before")
runs+=("$out/harness.json")
"$venv/bin/python" Benchmarks/scripts/benchmark_report.py --labels "${before:+before,}$label" \
    --chart "$out/chart.png" --markdown "$out/table.md" "${runs[@]}"
echo "results in $out (harness.json, harness.txt, table.md, chart.png${micro:+, micro.txt})"
