#!/usr/bin/env bash
# Creates (or reuses) .venv-clients/ with the Python test clients' packages and prints the path of
# its python. Rebuilt when Tests/PythonClients/requirements.txt or the Python version changes.
#
#   bash scripts/python-clients-env.sh   # → /…/.venv-clients/bin/python
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-clients
REQ=Tests/PythonClients/requirements.txt
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "python3 with venv is missing: installing it with apt-get" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >&2
fi
stamp="$(sha256sum "$REQ" | cut -c1-16) $(python3 -c 'import sys; print(sys.version.split()[0])')"
if [[ ! -x "$VENV/bin/python" || "$(cat "$VENV/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ" >&2
    echo "$stamp" > "$VENV/.stamp"
fi
echo "$PWD/$VENV/bin/python"
