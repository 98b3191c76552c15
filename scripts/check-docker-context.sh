#!/usr/bin/env bash
# The Docker build context, checked without Docker (fast; runs in .ci/run).
#
#   bash scripts/check-docker-context.sh
#
# Assembles the build stage's source tree exactly as the Dockerfile defines it — the files
# .dockerignore lets into the context, placed where the build stage's COPY lines put them
# (scripts/docker_context.py reads both files; nothing here repeats their lists) — and
# loads the package there the way `swift build` starts: `swift package dump-package` (the
# manifest evaluates), `swift package resolve` (every dependency resolves),
# `swift package describe` (every target's folder exists, products and plugin are
# well-formed). A folder Package.swift needs but the Dockerfile leaves out fails here,
# naming it. The release build itself is scripts/image-smoke.sh's job, in the same folder.
#
# The tree is kept in $KUBECLAW_CACHE_DIR/docker-context/src (scripts/lib/cache.sh) with
# its .build, as the Dockerfile's cache mount keeps /src/.build: the first run on a machine
# clones the dependencies (2-5 minutes), later runs take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cache.sh

started=$SECONDS
lock_cache
python3 scripts/docker_context.py assemble "$DOCKER_CONTEXT_DIR"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
step() {
    if ! (cd "$DOCKER_CONTEXT_DIR" && "$@") >"$log" 2>&1; then
        echo "docker context: \`$*\` failed in the assembled context:" >&2
        sed 's/^/    /' "$log" >&2
        echo "docker context: FAILED — Package.swift needs something that Dockerfile + .dockerignore leave out" >&2
        exit 1
    fi
}
step swift package dump-package
step swift package resolve
step swift package describe --type json
targets=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["targets"]))' "$log")
echo "docker context: the package loads in the Dockerfile's build context ($targets targets, $((SECONDS - started)) s)"
