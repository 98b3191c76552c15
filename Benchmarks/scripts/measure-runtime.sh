#!/usr/bin/env bash
# Builds kubeclaw and ollama-sim in release mode and measures the runtime: time from start to
# ready (median of 5), idle RSS, and RSS with 1,000 idle clients past the handshake.
# Loopback only. Usage: Benchmarks/scripts/measure-runtime.sh [--clients N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/../.."

swift build -c release --product kubeclaw
swift build -c release --product ollama-sim
bin=$(swift build -c release --show-bin-path)

# The clients use the `websockets` package (asyncio API, version 13 or newer).
python=python3
if ! "$python" -c 'import websockets.asyncio.client' 2>/dev/null; then
    venv=${TMPDIR:-/tmp}/kubeclaw-bench-venv
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'websockets>=13'
    python=$venv/bin/python
fi

"$python" Benchmarks/scripts/measure_runtime.py measure --kubeclaw "$bin/kubeclaw" --ollama-sim "$bin/ollama-sim" "$@"
