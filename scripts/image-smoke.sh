#!/usr/bin/env bash
# The gateway image, built the Dockerfile's way and run as the base Deployment runs it —
# without a container engine. Needs root (debootstrap, chroot, namespaces, mounts) and
# the Debian mirrors; run by .ci/run.
#
#   bash scripts/image-smoke.sh                    # SERVICE_VERSION=0.0.0-smoke by default
#   SERVICE_VERSION=1.2.3 bash scripts/image-smoke.sh
#
# 1. scripts/check-docker-context.sh: the build stage's /src, assembled from the COPY lines
#    and .dockerignore (kept in the cache with its .build, as the Dockerfile's cache mount).
# 2. The build stage's own RUN steps there: the SERVICE_VERSION bake, then
#    `swift build -c release --product kubeclaw -Xswiftc -static-stdlib` and its install to /out.
# 3. The runtime stage's root filesystem up to its COPY --from: debootstrap --variant=minbase
#    of its Debian release with debian:*-slim's apt sources, then its RUN steps (apt-get
#    install, the user, the data dir) in a chroot. Cached per recipe (the stage's
#    instructions before the COPY): a change to them rebuilds it.
# 4. In new mount, PID and network namespaces (everything started there dies with them, and
#    nothing is left mounted): a writable layer over that root, the binary copied in as the
#    COPY does, the stage's later RUN steps (`kubeclaw --version | grep`), then the container
#    as k8s/base describes it (read-only root, tmpfs emptyDirs, read-only ConfigMap and token
#    files, its args and env, uid/gid 10001 without capabilities). `ollama-sim` runs outside
#    the root. Checked: `kubeclaw --version`, /startupz, /healthz, /readyz, the WebSocket
#    handshake with the mounted token, one chat to `final`, /metrics (every metric the
#    monitoring alerts read is exported), a clean SIGTERM exit that never logged the token.
#
# Caches live in $KUBECLAW_CACHE_DIR (scripts/lib/cache.sh). Times on the 2-core machine are
# in docs/deploy.md ("Image smoke test").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cache.sh
source scripts/lib/k8s-tools.sh

started=$SECONDS
version="${SERVICE_VERSION:-0.0.0-smoke}"
smoke_dir="$KUBECLAW_CACHE_DIR/image-smoke"
declare -a timings=()
phase() { # name start-seconds
    timings+=("$(printf '  %-28s %4d s' "$1" $((SECONDS - $2)))")
}

if ((EUID != 0)); then
    echo "image-smoke: needs root (debootstrap, chroot, mount and PID/network namespaces)" >&2
    exit 1
fi
need_apt=()
command -v debootstrap >/dev/null || need_apt+=(debootstrap)
command -v unshare >/dev/null || need_apt+=(util-linux)
command -v ip >/dev/null || need_apt+=(iproute2)
if ((${#need_apt[@]})); then
    echo "image-smoke: installing ${need_apt[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
t=$SECONDS
ensure_k8s_venv
phase "tools" "$t"

lock_cache
mkdir -p "$smoke_dir"

t=$SECONDS
bash scripts/check-docker-context.sh
phase "context (assemble + resolve)" "$t"

t=$SECONDS
"$VENV/bin/python" scripts/image_smoke.py build --context "$DOCKER_CONTEXT_DIR" --out "$smoke_dir/out" --version "$version"
phase "release build" "$t"

t=$SECONDS
"$VENV/bin/python" scripts/image_smoke.py rootfs --cache "$smoke_dir" --version "$version"
phase "root filesystem" "$t"

t=$SECONDS
# The simulator runs outside the image: the repository's own debug build.
swift build --product ollama-sim 2>&1 | tail -1
sim="$(swift build --show-bin-path)/ollama-sim"
# The base's Deployment, plus the monitoring alerts whose metrics the binary must export.
"$VENV/bin/kubectl" kustomize k8s/overlays/monitoring >"$smoke_dir/rendered.yaml"
phase "ollama-sim + rendering" "$t"

t=$SECONDS
unshare --mount --propagation private --pid --net --fork --kill-child \
    "$VENV/bin/python" scripts/image_smoke.py run --cache "$smoke_dir" --binary "$smoke_dir/out/kubeclaw" \
    --sim "$sim" --version "$version" --rendered "$smoke_dir/rendered.yaml"
phase "container run" "$t"

echo "image-smoke: times"
printf '%s\n' "${timings[@]}"
echo "image-smoke: passed in $((SECONDS - started)) s (SERVICE_VERSION $version)"
