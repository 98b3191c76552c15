"""Proof that every check can fail: each deliberately broken fixture must be rejected by
the check it targets, with the reason it was built for. The same fixtures leave every
other expectation of their source rendering alone where possible, so a check that
passes everything cannot hide here."""

from __future__ import annotations

import shutil

import pytest
import yaml

import k8scheck as k
from conftest import FIXTURES, REPO, render_fixture

# fixture -> (check, expected words in one of its problems)
SEMANTIC = {
    "broken-pdb-selector": (k.check_selectors, "PodDisruptionBudget/ollama selects no pods"),
    "broken-service-selector": (k.check_selectors, "Service/openclaw-gateway selects no pods"),
    "broken-no-ollama-egress": (k.check_gateway_network, "reach Ollama pods on TCP 11434"),
    "broken-netpol-port": (k.check_netpol_ports, "ingress port 8080/TCP is not a container port"),
    "broken-ollama-open-ingress": (k.check_ollama_network, "not a same-namespace pod selector"),
    "broken-no-default-deny": (k.check_default_deny, "no default-deny"),
    "broken-root-container": (k.check_restricted_pss, "runs as uid 0"),
    "broken-gateway-hardening": (k.check_gateway_security, "readOnlyRootFilesystem"),
    "broken-root-chown-init": (k.check_ollama_pod, "changes ownership itself"),
    "broken-init-swallows": (k.check_init_fails_loudly, "'|| true' swallows a failure"),
    "broken-home-off-volume": (k.check_ollama_pod, "HOME='/' is not on the volume"),
    "broken-probes": (k.check_probes, "readinessProbe must GET /readyz"),
    "broken-secrets": (k.check_secret_env, "OPENCLAW_GATEWAY_TOKEN must be required"),
    "broken-grace": (k.check_graceful_shutdown, "terminationGracePeriodSeconds 20 must exceed"),
    "broken-model-mismatch": (k.check_config, "differs from agent.model"),
    "broken-no-spread": (k.check_topology_spread, "not spread across nodes"),
    "broken-latest-image": (k.check_images, "has no fixed tag"),
    "broken-wrong-namespace": (k.check_namespace, "ConfigMap/stray is not in namespace openclaw"),
    "broken-hpa": (lambda docs: k.check_hpa(docs, expected=True), "must scale 2-5"),
    "broken-pdb-drain": (lambda docs: k.check_pdbs(docs, "maxUnavailable"), "must have maxUnavailable: 1 only"),
    "broken-private-egress": (lambda docs: k.check_model_api_egress(docs, expected=True),
                              "does not exclude 10.0.0.0/8"),
    "broken-gpu-missing": (k.check_gpu, "does not tolerate the nvidia.com/gpu taint"),
    "broken-ports": (k.check_ports, "Service ollama must expose 11434"),
    "broken-monitoring": (k.check_custom_resources, "endpoint has unknown fields ['intervall']"),
    "broken-ingress-trusts-everyone": (lambda docs: k.check_ingress(docs, expected=True), "trusts every address"),
    "broken-postgres-open-ingress": (k.check_postgres_network, "not a same-namespace pod selector"),
    "broken-database-url-literal": (k.check_database_url, "DATABASE_URL is a literal value"),
    "broken-postgres-pod": (k.check_postgres_pod, "must be a subdirectory of the volume"),
    "broken-postgres-no-volume": (k.check_postgres_pod, "no PersistentVolumeClaim"),
    "broken-dev-database-url": (lambda docs: k.check_store(docs, "sqlite"),
                                "has a DATABASE_URL although this rendering keeps SQLite"),
}

# Further reasons some fixtures must also give.
ALSO = {
    "broken-root-container": [(k.check_gateway_security, "non-root uid >= 10000"),
                              (k.check_restricted_pss, "is privileged"),
                              (k.check_restricted_pss, "allowPrivilegeEscalation")],
    "broken-gateway-hardening": [(k.check_gateway_security, "automountServiceAccountToken"),
                                 (k.check_restricted_pss, "does not drop ALL capabilities"),
                                 (k.check_restricted_pss, "adds capabilities")],
    "broken-root-chown-init": [(k.check_ollama_pod, "runs as root"),
                               (k.check_restricted_pss, "runs as uid 0")],
    "broken-init-swallows": [(k.check_init_fails_loudly, "'exit 0'"),
                             (k.check_init_fails_loudly, "a fixed sleep"),
                             (k.check_init_fails_loudly, "does not run a script from a ConfigMap")],
    "broken-home-off-volume": [(k.check_ollama_pod, "OLLAMA_MODELS='/root/.ollama/models'")],
    "broken-probes": [(k.check_probes, "livenessProbe port is not a container port")],
    "broken-hpa": [(lambda d: k.check_hpa(d, True), "70% average CPU"),
                   (lambda d: k.check_hpa(d, True), "stabilizationWindowSeconds must be >= 300")],
    "broken-secrets": [(k.check_secret_env, "OPENAI_API_KEY must be optional: true"),
                       (k.check_secret_env, "file mode 644 lets other users read it")],
    "broken-netpol-port": [(k.check_gateway_network, "admits traffic to the gateway on 18789")],
    "broken-pdb-selector": [(lambda d: k.check_pdbs(d, "minAvailable"), "must select exactly the ollama pods")],
    "broken-wrong-namespace": [(k.check_namespace, "does not enforce the restricted Pod Security")],
    "broken-ollama-open-ingress": [(k.check_selectors, "")],
    "broken-ports": [(k.check_ports, "OLLAMA_HOST must point at the ollama Service")],
    "broken-monitoring": [(lambda d: k.check_monitoring(d, True), "scrapes port 'ws', not the gateway's 18790"),
                          (lambda d: k.check_monitoring(d, True), "reads ['kubeclaw_store_up'], which /metrics does not export"),
                          (lambda d: k.check_monitoring(d, True), "no alert covers store unavailable")],  # selectors stay valid: no false alarm
    "broken-postgres-open-ingress": [(k.check_postgres_network, "opens ports other than 5432: all ports"),
                                     (k.check_selectors, "")],
    "broken-database-url-literal": [(k.check_database_url, "startupProbe allows 60s"),
                                    (k.check_secret_env, "")],  # the other keys stay as they were
    "broken-postgres-pod": [(k.check_postgres_pod, "runAsUser must be 999"),
                            (k.check_postgres_pod, "readOnlyRootFilesystem"),
                            (k.check_postgres_pod, "livenessProbe must run pg_isready"),
                            (k.check_postgres_pod, "POSTGRES_PASSWORD must come from Secret"),
                            (k.check_postgres_pod, "POSTGRES_HOST_AUTH_METHOD=trust"),
                            (k.check_restricted_pss, "StatefulSet/postgres/postgres runs as uid 0")],
    "broken-postgres-no-volume": [(k.check_postgres_pod, "no limits for ['cpu', 'memory']")],
    "broken-dev-database-url": [(k.check_postgres_network, "no NetworkPolicy lets it reach a database on TCP 5432"),
                                (lambda d: k.check_store(d, "external"), "")],
}


def _problems(check, docs) -> str:
    return "\n".join(check(docs))


@pytest.mark.parametrize("fixture", sorted(SEMANTIC))
def test_semantic_check_rejects_broken_fixture(fixture):
    docs = render_fixture(fixture)
    check, expected = SEMANTIC[fixture]
    problems = _problems(check, docs)
    assert expected in problems, f"{fixture}: expected {expected!r} among:\n{problems or '(no problems)'}"
    for other, words in ALSO.get(fixture, []):
        found = _problems(other, docs)
        if words:
            assert words in found, f"{fixture}: expected {words!r} among:\n{found or '(no problems)'}"
        else:
            assert found == "", f"{fixture}: unexpected problems:\n{found}"


def test_every_semantic_check_is_proven_to_fail():
    covered = {SEMANTIC[f][0] for f in SEMANTIC} | {c for extra in ALSO.values() for c, _ in extra}
    names = {getattr(c, "__name__", "") for c in covered}
    for name, check in k.UNIVERSAL_CHECKS.items():
        assert check in covered or check.__name__ in names, f"check {name} has no broken fixture"
    # The profile checks are wrapped in lambdas above; name them explicitly.
    texts = {words for _, words in SEMANTIC.values()}
    assert {"must scale 2-5", "must have maxUnavailable: 1 only",
            "does not exclude 10.0.0.0/8", "does not tolerate the nvidia.com/gpu taint",
            "has a DATABASE_URL although this rendering keeps SQLite"} <= texts


def test_every_fixture_directory_is_exercised():
    tested = set(SEMANTIC) | {"broken-removed-api", "broken-unknown-field", "broken-yamllint",
                              "broken-dockerfile", "broken-missing-file"}
    present = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert present == tested


def test_kustomize_rejects_a_missing_resource():
    with pytest.raises(RuntimeError, match="does-not-exist.yaml"):
        k.render(FIXTURES / "broken-missing-file")


# --- kubernetes-validate --------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.27", "1.31"])
@pytest.mark.parametrize("manifest", ["pdb-policy-v1beta1.yaml", "hpa-autoscaling-v2beta2.yaml"])
def test_kubernetes_validate_rejects_removed_apis(version, manifest):
    result = k.kubernetes_validate(FIXTURES / "broken-removed-api" / manifest, version)
    assert not result.ok
    assert "WARN" in result.output and "Couldn't find schema" in result.output


def test_removed_api_only_warns_in_the_tool_itself():
    """Why the suite reads the output: the tool exits 0 on a removed API."""
    import subprocess
    proc = subprocess.run([k.tool_path("kubernetes-validate"), "--strict", "-k", "1.27",
                           str(FIXTURES / "broken-removed-api/pdb-policy-v1beta1.yaml")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "WARN" in proc.stdout


@pytest.mark.parametrize("version", ["1.27", "1.31"])
def test_kubernetes_validate_strict_rejects_unknown_fields(version):
    result = k.kubernetes_validate(FIXTURES / "broken-unknown-field/deployment.yaml", version)
    assert not result.ok
    assert "readinesProbe" in result.output


def test_kubernetes_validate_accepts_the_base(tmp_path, base):
    path = tmp_path / "base.yaml"
    path.write_text(yaml.safe_dump_all(base))
    result = k.kubernetes_validate(path, "1.27")
    assert result.ok, result.output
    assert result.counts["resources"] == len(base)


# --- yamllint -------------------------------------------------------------------------


def test_yamllint_rejects_bad_style(tmp_path):
    # The repository config ignores this fixture; lint it with the same rules otherwise.
    config = yaml.safe_load((REPO / ".yamllint").read_text())
    config.pop("ignore", None)
    (tmp_path / "yamllint.yaml").write_text(yaml.safe_dump(config))
    bad = tmp_path / "bad-style.yaml"
    shutil.copy(FIXTURES / "broken-yamllint/bad-style.yaml", bad)
    result = k.yamllint([bad], config=tmp_path / "yamllint.yaml")
    assert not result.ok
    for rule in ("trailing-spaces", "key-duplicates", "indentation", "braces"):
        assert rule in result.output, result.output


def test_yamllint_ignores_nothing_but_that_fixture():
    config = yaml.safe_load((REPO / ".yamllint").read_text())
    ignored = [line.strip() for line in config.get("ignore", "").splitlines() if line.strip()]
    assert ignored == ["k8s/tests/fixtures/broken-yamllint/"]


# --- checkov --------------------------------------------------------------------------


def test_checkov_rejects_a_root_privileged_container(tmp_path):
    (tmp_path / "broken.yaml").write_text(
        yaml.safe_dump_all(render_fixture("broken-root-container")))
    result = k.checkov(tmp_path, "kubernetes")
    assert not result.ok
    for check in ("CKV_K8S_16", "CKV_K8S_20", "CKV_K8S_23"):  # privileged, escalation, root
        assert check in result.output, result.output


def test_checkov_rejects_a_root_database(tmp_path):
    (tmp_path / "broken.yaml").write_text(
        yaml.safe_dump_all(render_fixture("broken-postgres-pod")))
    result = k.checkov(tmp_path, "kubernetes")
    assert not result.ok
    for check in ("CKV_K8S_22", "CKV_K8S_23"):  # read-only FS, root
        assert check in result.output and "StatefulSet" in result.output, result.output


def test_checkov_rejects_a_writable_root_filesystem(tmp_path):
    (tmp_path / "broken.yaml").write_text(
        yaml.safe_dump_all(render_fixture("broken-gateway-hardening")))
    result = k.checkov(tmp_path, "kubernetes")
    assert not result.ok
    for check in ("CKV_K8S_22", "CKV_K8S_37", "CKV_K8S_38"):  # read-only FS, capabilities, SA token
        assert check in result.output, result.output


def test_checkov_rejects_the_broken_dockerfile():
    result = k.checkov(FIXTURES / "broken-dockerfile/Dockerfile", "dockerfile")
    assert not result.ok
    assert "CKV_DOCKER_8" in result.output or "CKV_DOCKER_3" in result.output, result.output


# --- hadolint and the Dockerfile facts ------------------------------------------------


def test_hadolint_rejects_the_broken_dockerfile():
    result = k.hadolint(FIXTURES / "broken-dockerfile/Dockerfile")
    assert not result.ok
    for rule in ("DL3007", "DL3002", "DL3015", "DL3025"):  # latest, root, recommends, shell CMD
        assert rule in result.output, result.output


def test_dockerfile_facts_reject_the_broken_dockerfile():
    problems = "\n".join(k.check_dockerfile((FIXTURES / "broken-dockerfile/Dockerfile").read_text()))
    assert "multi-stage" in problems
    text = (REPO / "Dockerfile").read_text()
    broken = text.replace("USER 10001:10001", "USER root").replace("EXPOSE 18789 18790", "EXPOSE 8080")
    problems = "\n".join(k.check_dockerfile(broken, gateway_uid=10001))
    assert "numeric non-root uid" in problems and "EXPOSE 18789 and 18790" in problems
    no_bake = "\n".join(line for line in text.splitlines() if "BuildInfo.swift" not in line)
    assert "rewrites Sources/kubeclaw/BuildInfo.swift" in "\n".join(k.check_dockerfile(no_bake))
