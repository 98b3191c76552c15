"""The monitoring component's alerts, run by promtool: the rules load (`promtool check rules`),
and each alert fires on the series that mean trouble and stays quiet on healthy ones
(`promtool test rules`, with synthetic series of the metrics /metrics exports)."""

from __future__ import annotations

import subprocess

import pytest
import yaml

import k8scheck as k

JOB = {"job": "openclaw-gateway", "namespace": "openclaw"}


def series(name: str, values: str, **labels: str) -> dict:
    all_labels = {**JOB, "pod": "openclaw-gateway-a", **labels}
    text = ", ".join(f'{key}="{value}"' for key, value in all_labels.items())
    return {"series": f"{name}{{{text}}}", "values": values}


def buckets(name: str, counts: dict[str, str], **labels: str) -> list[dict]:
    return [series(name + "_bucket", values, le=le, **labels) for le, values in counts.items()]


# alert -> (firing series, eval time, expected labels beyond severity, healthy series)
CASES = {
    "OpenClawGatewayDown": (
        # absent() of a comparison carries no labels of its own.
        [series("up", "0x20")], "10m", {},
        [series("up", "1x20")]),
    "OpenClawGatewayReplicaDown": (
        [series("up", "0x20"), series("up", "1x20", pod="openclaw-gateway-b")], "15m",
        {**JOB, "pod": "openclaw-gateway-a"},
        [series("up", "1x20"), series("up", "1x20", pod="openclaw-gateway-b")]),
    "OpenClawGatewayErrorRate": (
        [series("kubeclaw_requests_total", "0+100x30", method="health", outcome="ok"),
         series("kubeclaw_requests_total", "0+10x30", method="chat.send", outcome="UNAVAILABLE"),
         series("kubeclaw_rate_limited_total", "0x30", budget="write")], "20m", {"namespace": "openclaw"},
        # The same UNAVAILABLE answers, all of them rate limiting: the client's doing.
        [series("kubeclaw_requests_total", "0+100x30", method="health", outcome="ok"),
         series("kubeclaw_requests_total", "0+10x30", method="chat.send", outcome="UNAVAILABLE"),
         series("kubeclaw_rate_limited_total", "0+10x30", budget="write")]),
    "OpenClawChatRunErrors": (
        [series("kubeclaw_chat_runs_total", "0+5x30", outcome="final"),
         series("kubeclaw_chat_runs_total", "0+5x30", outcome="error")], "25m", {"namespace": "openclaw"},
        [series("kubeclaw_chat_runs_total", "0+50x30", outcome="final"),
         series("kubeclaw_chat_runs_total", "0+1x30", outcome="error")]),
    "OpenClawChatFirstTokenSlow": (
        buckets("kubeclaw_chat_first_token_seconds", {"1.0": "0x40", "30.0": "0x40", "60.0": "0+10x40", "+Inf": "0+10x40"}),
        "30m", {"namespace": "openclaw"},
        buckets("kubeclaw_chat_first_token_seconds", {"1.0": "0+10x40", "30.0": "0+10x40", "60.0": "0+10x40", "+Inf": "0+10x40"})),
    "OpenClawChatRunsSlow": (
        buckets("kubeclaw_chat_run_duration_seconds", {"60.0": "0x40", "300.0": "0x40", "600.0": "0+4x40", "+Inf": "0+4x40"},
                outcome="final"), "35m", {"namespace": "openclaw"},
        buckets("kubeclaw_chat_run_duration_seconds", {"60.0": "0+4x40", "300.0": "0+4x40", "600.0": "0+4x40", "+Inf": "0+4x40"},
                outcome="final")),
    "OpenClawSlowConsumers": (
        [series("kubeclaw_slow_consumers_closed_total", "0+1x30")], "20m", {"namespace": "openclaw"},
        [series("kubeclaw_slow_consumers_closed_total", "0+1x2 2x28")]),
    "OpenClawStoreUnavailable": (
        [series("kubeclaw_health_check_up", "0x10", check="store")], "5m",
        {**JOB, "pod": "openclaw-gateway-a", "check": "store"},
        [series("kubeclaw_health_check_up", "1x10", check="store"),
         series("kubeclaw_health_check_up", "0x10", check="listener")]),
}


@pytest.fixture(scope="module")
def rule_file(tmp_path_factory, renderings):
    """The PrometheusRule's groups as a Prometheus rule file (what the operator hands to Prometheus)."""
    rule = k.find(renderings["monitoring"], "PrometheusRule")[0]
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    return path


def promtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([k.tool_path("promtool"), *args], capture_output=True, text=True, check=False)


def severity(rule_path, alert: str) -> str:
    groups = yaml.safe_load(rule_path.read_text())["groups"]
    return next(r["labels"]["severity"] for g in groups for r in g["rules"] if r.get("alert") == alert)


def unit_test(rule_path, alert: str, firing: bool) -> dict:
    """A promtool test: the alert with its labels and no annotations is compared, so the
    rules are loaded without annotations (their templates are checked by `check rules`)."""
    fire, at, labels, healthy = CASES[alert]
    expected = [{"exp_labels": {**labels, "severity": severity(rule_path, alert)}}] if firing else []
    return {"interval": "1m", "input_series": fire if firing else healthy,
            "alert_rule_test": [{"eval_time": at, "alertname": alert, "exp_alerts": expected}]}


def run_tests(tmp_path, rule_path, tests: list[dict]) -> subprocess.CompletedProcess:
    groups = yaml.safe_load(rule_path.read_text())["groups"]
    for group in groups:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    (tmp_path / "rules-bare.yaml").write_text(yaml.safe_dump({"groups": groups}))
    (tmp_path / "test.yaml").write_text(yaml.safe_dump({
        "rule_files": ["rules-bare.yaml"], "evaluation_interval": "1m", "tests": tests}))
    return promtool("test", "rules", str(tmp_path / "test.yaml"))


def test_the_rules_load_in_prometheus(rule_file):
    proc = promtool("check", "rules", str(rule_file))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"SUCCESS: {len(CASES)} rules found" in proc.stdout


def test_every_alert_has_cases(rule_file):
    groups = yaml.safe_load(rule_file.read_text())["groups"]
    assert sorted(r["alert"] for g in groups for r in g["rules"]) == sorted(CASES)


@pytest.mark.parametrize("alert", sorted(CASES))
def test_alert_fires_on_trouble_and_not_on_health(tmp_path, rule_file, alert):
    proc = run_tests(tmp_path, rule_file, [unit_test(rule_file, alert, True), unit_test(rule_file, alert, False)])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gateway_down_fires_when_nothing_is_scraped(tmp_path, rule_file):
    test = {"interval": "1m", "input_series": [series("kubeclaw_websocket_connections", "0x20")],
            "alert_rule_test": [{"eval_time": "10m", "alertname": "OpenClawGatewayDown",
                                 "exp_alerts": [{"exp_labels": {"severity": "critical"}}]}]}
    proc = run_tests(tmp_path, rule_file, [test])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_wrong_expectation_fails(tmp_path, rule_file):
    """promtool really compares: the healthy series with a firing expectation fail."""
    fire, at, labels, healthy = CASES["OpenClawStoreUnavailable"]
    test = unit_test(rule_file, "OpenClawStoreUnavailable", True)
    test["input_series"] = healthy
    proc = run_tests(tmp_path, rule_file, [test])
    assert proc.returncode != 0 and "OpenClawStoreUnavailable" in proc.stdout + proc.stderr


def test_every_metric_the_alerts_read_is_exported(renderings):
    exported = k.exported_metrics()
    assert {"kubeclaw_chat_runs_total", "kubeclaw_chat_first_token_seconds_bucket",
            "kubeclaw_health_check_up", "kubeclaw_slow_consumers_closed_total"} <= exported
    rule = k.find(renderings["monitoring"], "PrometheusRule")[0]
    for group in rule["spec"]["groups"]:
        for r in group["rules"]:
            assert k.rule_metrics(r["expr"]) and k.rule_metrics(r["expr"]) <= exported, r["alert"]


def test_rule_metrics_reads_names_not_labels_or_functions():
    expr = ('histogram_quantile(0.95, sum by (namespace, le) (rate(a_bucket{job="x", le="1"}[5m])))'
            ' - sum(increase(b_total[15m])) > 30 and absent(up{job="y"} == 1)')
    assert k.rule_metrics(expr) == {"a_bucket", "b_total", "up"}
