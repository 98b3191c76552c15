# Sourced by scripts/check-docker-context.sh and scripts/image-smoke.sh: where their caches
# live and how they take turns.
#
# The cache is outside the repository, so fresh clones on the same machine (CI) reuse it:
#   $KUBECLAW_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubeclaw)
#     docker-context/src   the Dockerfile's /src, assembled; its .build is the build's cache
#     image-smoke/rootfs-* Debian root filesystems, one per runtime-stage recipe
# Delete the folder to start cold; nothing else refers to it.
KUBECLAW_CACHE_DIR="${KUBECLAW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeclaw}"
DOCKER_CONTEXT_DIR="$KUBECLAW_CACHE_DIR/docker-context/src"

# Holds an exclusive lock on the cache until the calling script exits: two checkouts
# (or two engineers) on one machine share the cache but never use it at the same time.
# A script started by one that holds the lock (image-smoke.sh runs check-docker-context.sh)
# shares it.
lock_cache() {
    [[ "${KUBECLAW_CACHE_LOCKED:-}" == "$KUBECLAW_CACHE_DIR" ]] && return 0
    mkdir -p "$KUBECLAW_CACHE_DIR"
    exec {cache_lock_fd}>"$KUBECLAW_CACHE_DIR/.lock"
    if ! flock -n "$cache_lock_fd"; then
        echo "waiting for $KUBECLAW_CACHE_DIR (another check holds it)..."
        flock "$cache_lock_fd"
    fi
    export KUBECLAW_CACHE_LOCKED="$KUBECLAW_CACHE_DIR"
}
