"""The Dockerfile, without Docker: its facts, its build context, and the version-bake
step run for real on a copy of BuildInfo.swift."""

from __future__ import annotations

import fnmatch
import os
import subprocess

import pytest

import k8scheck as k
from conftest import REPO

DOCKERFILE = (REPO / "Dockerfile").read_text()
# The line the bake step rewrites, as Sources/kubeclaw/BuildInfo.swift declares it.
BUILDINFO_SAMPLE = '''/// Facts baked into the binary at build time.
enum BuildInfo {
    static let version = "0.1.0-dev"
}
'''


def buildinfo_text() -> str:
    real = REPO / "Sources/kubeclaw/BuildInfo.swift"
    return real.read_text() if real.exists() else BUILDINFO_SAMPLE


def test_dockerfile_facts(base):
    uid = k.pod_spec(k.deployment(base, k.GATEWAY))["securityContext"]["runAsUser"]
    assert k.check_dockerfile(DOCKERFILE, gateway_uid=uid) == []


def test_every_stage_runs_bash_with_pipefail():
    for stage in k.dockerfile_stages(DOCKERFILE):
        shells = [args for ins, args in stage if ins == "SHELL"]
        assert shells and '"pipefail"' in shells[0] and "bash" in shells[0]


def run_bake(tmp_path, version: str, source: str) -> subprocess.CompletedProcess:
    path = tmp_path / "Sources/kubeclaw/BuildInfo.swift"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    return subprocess.run(["/bin/bash", "-o", "pipefail", "-c", k.bake_step(DOCKERFILE)],
                          cwd=tmp_path, env={**os.environ, "SERVICE_VERSION": version},
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize("version", ["1.4.2", "0.2.0-rc.1", "2.0.0+build.7"])
def test_bake_step_rewrites_the_version(tmp_path, version):
    before = buildinfo_text()
    proc = run_bake(tmp_path, version, before)
    assert proc.returncode == 0, proc.stderr
    after = (tmp_path / "Sources/kubeclaw/BuildInfo.swift").read_text()
    assert f'static let version = "{version}"' in after
    # Only that one line changes.
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(changed) == 1 and len(before.splitlines()) == len(after.splitlines())


@pytest.mark.parametrize("version", ['1.0"; evil', "", "1.0 2.0", "../x"])
def test_bake_step_refuses_a_bad_version(tmp_path, version):
    proc = run_bake(tmp_path, version, buildinfo_text())
    assert proc.returncode != 0


def test_bake_step_fails_when_the_line_has_moved(tmp_path):
    proc = run_bake(tmp_path, "1.4.2", "enum BuildInfo { static var release = \"x\" }\n")
    assert proc.returncode != 0


def _allowed_by_dockerignore(path: str) -> bool:
    allowed = False
    for raw in (REPO / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:] if negate else line
        pattern = pattern.rstrip("/")
        parts = path.split("/")
        hit = any(fnmatch.fnmatch("/".join(parts[:i]), pattern) or
                  fnmatch.fnmatch("/".join(parts[:i]), pattern.replace("**/", "*/"))
                  for i in range(1, len(parts) + 1))
        if pattern.startswith("**/"):
            hit = hit or any(fnmatch.fnmatch(p, pattern[3:]) for p in parts)
        if hit:
            allowed = negate
    return allowed


def test_build_context_holds_what_the_build_copies():
    sources = [args.split()[0] for ins, args in k.dockerfile_instructions(DOCKERFILE)
               if ins == "COPY" and "--from=" not in args]
    assert sources
    for src in sources:
        assert _allowed_by_dockerignore(src), f"COPY {src} but .dockerignore leaves it out"
        assert (REPO / src).exists(), f"COPY {src}: no such path"
    for unwanted in (".git", ".build", ".venv-k8s/bin/python", "k8s/base/kustomization.yaml",
                     "Sources/x/.build/debug", "docs/deploy.md"):
        assert not _allowed_by_dockerignore(unwanted), f"{unwanted} would be sent to the builder"
