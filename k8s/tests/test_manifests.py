"""What a schema cannot say about the renderings: selectors, ports, probes, policies,
security, and the seed's numbers, for the base and every overlay."""

from __future__ import annotations

import json
import os
import re

import pytest
import yaml

import k8scheck as k
from conftest import PROFILES, REPO, target_dir


@pytest.mark.parametrize("check", sorted(k.UNIVERSAL_CHECKS))
@pytest.mark.parametrize("rendering", sorted(PROFILES))
def test_universal_check(renderings, rendering, check):
    assert k.UNIVERSAL_CHECKS[check](renderings[rendering]) == []


@pytest.mark.parametrize("rendering", sorted(PROFILES))
def test_hpa(renderings, rendering):
    assert k.check_hpa(renderings[rendering], PROFILES[rendering]["hpa"]) == []


@pytest.mark.parametrize("rendering", sorted(PROFILES))
def test_pdbs(renderings, rendering):
    assert k.check_pdbs(renderings[rendering], PROFILES[rendering]["pdb"]) == []


@pytest.mark.parametrize("rendering", sorted(PROFILES))
def test_model_api_egress_only_where_asked(renderings, rendering):
    assert k.check_model_api_egress(renderings[rendering], PROFILES[rendering]["model_api_egress"]) == []


@pytest.mark.parametrize("rendering", sorted(PROFILES))
def test_gpu_only_where_asked(renderings, rendering):
    problems = k.check_gpu(renderings[rendering])
    if PROFILES[rendering]["gpu"]:
        assert problems == []
    else:
        assert problems, "only the gpu overlay asks for an nvidia.com/gpu"


@pytest.mark.parametrize("rendering", sorted(PROFILES))
def test_store(renderings, rendering):
    assert k.check_store(renderings[rendering], PROFILES[rendering]["store"]) == []


def test_every_overlay_has_a_profile():
    overlays = sorted(p.name for p in (REPO / "k8s/overlays").iterdir() if p.is_dir())
    assert overlays == sorted(n for n in PROFILES if n != "base")


def test_base_agent_config_is_the_seeds(base):
    assert k.agent_config(base) == {"agent": {"model": "qwen2.5:14b", "name": "OpenClaw",
                                              "description": "AI assistant powered by Ollama"}}
    cm = k.one(base, "ConfigMap", k.CONFIG_MAP)
    assert cm["data"]["OLLAMA_MODEL"] == "qwen2.5:14b"


def test_dev_overlay_is_small(renderings):
    dev = renderings["dev"]
    assert k.agent_config(dev)["agent"]["model"] != "qwen2.5:14b"
    assert re.search(r":(0\.5|1\.5|1|3)b$", k.agent_config(dev)["agent"]["model"])
    assert k.deployment(dev, k.GATEWAY)["spec"]["replicas"] == 1
    assert not k.find(dev, "HorizontalPodAutoscaler")


def test_base_pdbs_are_the_seeds_numbers(base):
    for name in (k.GATEWAY, k.OLLAMA, k.POSTGRES):
        assert k.one(base, "PodDisruptionBudget", name)["spec"]["minAvailable"] == 1


def test_single_node_drain_never_blocks_on_the_database(renderings):
    spec = k.one(renderings["single-node-drain"], "PodDisruptionBudget", k.POSTGRES)["spec"]
    assert spec.get("maxUnavailable") == 1 and "minAvailable" not in spec


def test_seed_numbers(base):
    hpa = k.find(base, "HorizontalPodAutoscaler")[0]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 5)
    assert hpa["metrics"][0]["resource"]["target"]["averageUtilization"] == 70
    assert hpa["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 300
    gw = {p["containerPort"] for c in k.pod_spec(k.deployment(base, k.GATEWAY))["containers"]
          for p in c["ports"]}
    assert gw == {18789, 18790}
    ol = k.pod_spec(k.deployment(base, k.OLLAMA))
    assert {p["containerPort"] for c in ol["containers"] for p in c["ports"]} == {11434}
    sc = ol["securityContext"]
    assert (sc["runAsUser"], sc["runAsGroup"], sc["fsGroup"]) == (1000, 1000, 1000)


# --- the shared store -------------------------------------------------------------------


def test_base_postgres_numbers(base):
    sts = k.statefulset(base, k.POSTGRES)
    spec = k.pod_spec(sts)
    assert sts["spec"]["replicas"] == 1 and sts["spec"]["serviceName"] == k.POSTGRES
    sc = spec["securityContext"]
    assert (sc["runAsUser"], sc["runAsGroup"], sc["fsGroup"]) == (999, 999, 999)
    c = k.postgres_container(base)
    assert re.fullmatch(r"postgres:15\.\d+", c["image"]), c["image"]
    assert k.env_value(c, "PGDATA") == "/var/lib/postgresql/data/pgdata"
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert claim["spec"]["resources"]["requests"]["storage"] == "10Gi"
    assert sts["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    # 10 connections per replica, 5 replicas and a rollout's surge: below max_connections 100.
    hpa = k.find(base, "HorizontalPodAutoscaler")[0]["spec"]
    surge = k.deployment(base, k.GATEWAY)["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
    assert (hpa["maxReplicas"] + surge) * 10 < 100


def test_postgres_drains_with_a_fast_shutdown(base):
    c = k.postgres_container(base)
    command = " ".join(c["lifecycle"]["preStop"]["exec"]["command"])
    assert "pg_ctl stop" in command and "-m fast" in command
    timeout = int(re.search(r"-t (\d+)", command).group(1))
    assert k.pod_spec(k.statefulset(base, k.POSTGRES))["terminationGracePeriodSeconds"] > timeout


@pytest.mark.parametrize("rendering", ["base", "external-database"])
def test_database_url_is_the_secret_key(renderings, rendering):
    c = k.container(renderings[rendering], k.GATEWAY, "gateway")
    assert k.env_map(c)["DATABASE_URL"] == {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {
        "name": k.SECRET, "key": "DATABASE_URL", "optional": False}}}


def test_dev_keeps_sqlite_without_a_database(renderings):
    dev = renderings["dev"]
    assert "DATABASE_URL" not in k.env_map(k.container(dev, k.GATEWAY, "gateway"))
    assert not k.find(dev, "StatefulSet") and not k.find(dev, "Service", k.POSTGRES)
    assert k.deployment(dev, k.GATEWAY)["spec"]["replicas"] == 1


def test_only_the_gateway_reaches_postgres(base):
    sts = k.statefulset(base, k.POSTGRES)
    policies = k._policies_for(base, sts, "Ingress")
    assert sorted(p["metadata"]["name"] for p in policies) == ["default-deny-all", k.POSTGRES]
    assert k.check_postgres_network(base) == []
    for w in k.workloads(base):
        if k.is_gateway(w):
            continue
        egress = [r for p in k._policies_for(base, w, "Egress") for r in p["spec"].get("egress", []) or []]
        assert not any(any(k._peer_selects(base, peer, sts) for peer in r.get("to", []) or []) for r in egress), \
            w["metadata"]["name"]


def test_external_database_egress_is_5432_only(renderings):
    docs = renderings["external-database"]
    pol = k.one(docs, "NetworkPolicy", "openclaw-gateway-database")
    assert pol["spec"]["policyTypes"] == ["Egress"]
    (rule,) = pol["spec"]["egress"]
    assert k._rule_ports(rule) == [(5432, "TCP")]
    assert {b["ipBlock"]["cidr"] for b in rule["to"]} == {"0.0.0.0/0", "::/0"}


def test_external_database_ca_is_an_optional_mount(renderings):
    docs = renderings["external-database"]
    c = k.container(docs, k.GATEWAY, "gateway")
    mount = next(m for m in c["volumeMounts"] if m["name"] == "database-ca")
    volume = next(v for v in k.pod_spec(k.deployment(docs, k.GATEWAY))["volumes"] if v["name"] == "database-ca")
    assert mount["readOnly"] is True and not mount["mountPath"].startswith("/etc/kubeclaw/")
    assert volume["configMap"] == {"name": "openclaw-database-ca", "optional": True, "defaultMode": 0o444}


def test_database_url_mistakes_are_refused(base):
    docs = json.loads(json.dumps(base))
    gateway = k.container(docs, k.GATEWAY, "gateway")
    entry = k.env_map(gateway)["DATABASE_URL"]
    entry["valueFrom"]["secretKeyRef"]["optional"] = True
    assert "must be required (optional: false)" in "\n".join(k.check_database_url(docs))
    gateway["args"] = gateway["args"] + ["--database-url", "postgres://kubeclaw:pw@postgres:5432/kubeclaw"]
    assert "--database-url on its command line" in "\n".join(k.check_database_url(docs))
    gateway["env"] = [e for e in gateway["env"] if e["name"] != "DATABASE_URL"]
    assert "has no DATABASE_URL" in "\n".join(k.check_database_url(docs))
    assert "must run exactly 1 replica without an HPA" in "\n".join(k.check_database_url(docs))


def test_no_postgres_component_combines_with_other_overlays(tmp_path):
    docs = overlay_of(tmp_path, "k8s/overlays/gpu", ["k8s/components/no-postgres"])
    assert k.check_store(docs, "external") == []
    # Without an egress for the database the gateway could not reach it: the check says so.
    assert "no NetworkPolicy lets it reach a database" in "\n".join(k.check_postgres_network(docs))


def test_kustomization_namespace_and_images():
    kustomization = yaml.safe_load((REPO / "k8s/base/kustomization.yaml").read_text())
    assert kustomization["namespace"] == "openclaw"
    names = [i["name"] for i in kustomization["images"]]
    assert "ghcr.io/openclaw/openclaw" in names


def test_image_override_moves_the_gateway_image(tmp_path, base):
    """newName/newTag in an overlay's images: entry really replaces the gateway image."""
    rel = os.path.relpath(REPO / "k8s/base", tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"resources:\n  - {rel}\n"
        "images:\n  - name: ghcr.io/openclaw/openclaw\n"
        "    newName: registry.example.com/team/kubeclaw\n    newTag: 1.2.3\n")
    docs = k.load_docs(k.render(tmp_path))
    assert k.container(docs, k.GATEWAY, "gateway")["image"] == "registry.example.com/team/kubeclaw:1.2.3"
    before = k.container(base, k.OLLAMA, "ollama")["image"]
    assert k.container(docs, k.OLLAMA, "ollama")["image"] == before


def test_components_render_into_every_namespace(renderings):
    for name, docs in renderings.items():
        assert all(d["metadata"].get("namespace") == "openclaw"
                   for d in docs if d["kind"] != "Namespace"), name


def test_init_script_in_the_configmap_is_the_committed_file(base):
    _, script = k.init_script(base)
    assert script == (REPO / "k8s/base/ollama-pull-model.sh").read_text()


def test_gateway_image_uid_matches_the_dockerfile(base):
    uid = k.pod_spec(k.deployment(base, k.GATEWAY))["securityContext"]["runAsUser"]
    assert k.check_dockerfile((REPO / "Dockerfile").read_text(), gateway_uid=uid) == []


def test_checkov_skips_are_documented():
    """Each skipped checkov id has its reason in .checkov.yaml and in docs/deploy.md."""
    config_text = (REPO / ".checkov.yaml").read_text()
    skipped = set(yaml.safe_load(config_text)["skip-check"])
    annotated = set()
    for path in (REPO / "k8s").rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            for key, value in ((doc or {}).get("metadata", {}).get("annotations") or {}).items():
                if key.startswith("checkov.io/skip"):
                    annotated.add(value.split("=", 1)[0].strip())
    docs = (REPO / "docs/deploy.md").read_text()
    assert skipped and annotated
    for check in skipped | annotated:
        assert check in docs, f"{check} is skipped but docs/deploy.md does not say why"
        assert check in config_text, f"{check} is skipped but .checkov.yaml does not say why"
    for check in skipped:
        comment = re.search(rf"#[^\n]*{check}[^\n]*\n((?:\s*#[^\n]*\n)*)", config_text)
        assert comment and len(comment.group(0)) > 80, f"{check} needs a reason in .checkov.yaml"


def test_validation_venvs_are_ignored_by_git():
    ignored = (REPO / ".gitignore").read_text().split()
    for entry in ("/.venv-k8s/", "/.venv-checkov/", "/.k8s-rendered/"):
        assert entry in ignored


def test_agent_json_is_one_line_of_valid_json(base):
    text = k.one(base, "ConfigMap", k.CONFIG_MAP)["data"]["openclaw.json"]
    json.loads(text)


# --- operations: monitoring, Ingress, token file, Ollama's egress ------------------------


@pytest.mark.parametrize("rendering", sorted(PROFILES))
def test_monitoring_only_where_asked(renderings, rendering):
    assert k.check_monitoring(renderings[rendering], PROFILES[rendering].get("monitoring", False)) == []


@pytest.mark.parametrize("rendering", sorted(PROFILES))
def test_ingress_only_where_asked(renderings, rendering):
    assert k.check_ingress(renderings[rendering], PROFILES[rendering].get("ingress", False)) == []


@pytest.mark.parametrize("rendering", sorted(PROFILES))
def test_ollama_egress_is_the_model_pull_policy_alone(renderings, rendering):
    assert k.check_ollama_pull_egress(renderings[rendering], expected=True) == []


def overlay_of(tmp_path, resource: str, components: list[str]) -> list[dict]:
    """Renders an overlay of `resource` (relative to the repo) with `components`, as a user would write it."""
    rel = lambda p: os.path.relpath(REPO / p, tmp_path)  # noqa: E731
    text = ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            f"resources:\n  - {rel(resource)}\ncomponents:\n" + "".join(f"  - {rel(c)}\n" for c in components))
    (tmp_path / "kustomization.yaml").write_text(text)
    return k.load_docs(k.render(tmp_path))


def test_ollama_offline_component_removes_all_ollama_egress(tmp_path):
    docs = overlay_of(tmp_path, "k8s/base", ["k8s/components/ollama-offline"])
    assert k.check_ollama_pull_egress(docs, expected=False) == []
    assert k.check_ollama_pull_egress(docs, expected=True)  # and the check notices


def test_components_combine_with_other_overlays(tmp_path):
    docs = overlay_of(tmp_path, "k8s/overlays/dev", ["k8s/components/monitoring", "k8s/components/ollama-offline"])
    assert k.check_monitoring(docs, True) == []
    assert k.check_ollama_pull_egress(docs, expected=False) == []
    for check in k.UNIVERSAL_CHECKS.values():
        assert check(docs) == []


def test_token_in_the_environment_is_refused(base):
    docs = json.loads(json.dumps(base))
    gateway = k.container(docs, k.GATEWAY, "gateway")
    gateway["env"].append({"name": "OPENCLAW_GATEWAY_TOKEN", "valueFrom": {"secretKeyRef": {
        "name": k.SECRET, "key": "OPENCLAW_GATEWAY_TOKEN"}}})
    assert "must be a mounted file (--token-file)" in "\n".join(k.check_secret_env(docs))
    gateway["args"] = ["serve", "--config", "/etc/kubeclaw/openclaw.json"]
    assert "--token-file None must be Secret" in "\n".join(k.check_secret_env(docs))


def test_token_file_is_the_mounted_secret_key(base):
    c = k.container(base, k.GATEWAY, "gateway")
    path = c["args"][c["args"].index("--token-file") + 1]
    mount = next(m for m in c["volumeMounts"] if path.startswith(m["mountPath"] + "/"))
    volume = next(v for v in k.pod_spec(k.deployment(base, k.GATEWAY))["volumes"] if v["name"] == mount["name"])
    assert volume["secret"]["items"] == [{"key": "OPENCLAW_GATEWAY_TOKEN", "path": path.rsplit("/", 1)[1]}]
    assert mount["readOnly"] is True and volume["secret"]["defaultMode"] == 0o440


def test_custom_resources_are_validated_apart_from_kubernetes_validate(tmp_path, renderings):
    path = tmp_path / "monitoring.yaml"
    path.write_text(yaml.safe_dump_all(renderings["monitoring"]))
    result = k.kubernetes_validate(path, "1.31")
    assert result.ok, result.output
    assert "+2 custom resources checked structurally" in result.summary
    broken = [dict(d, spec={**d["spec"], "endpoints": [{"port": "http", "intervall": "30s"}]})
              if d["kind"] == "ServiceMonitor" else d for d in renderings["monitoring"]]
    path.write_text(yaml.safe_dump_all(broken))
    result = k.kubernetes_validate(path, "1.31")
    assert not result.ok and "intervall" in result.output
