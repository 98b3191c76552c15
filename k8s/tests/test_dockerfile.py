"""The Dockerfile, without Docker: its facts, its build context, and the version-bake
step run for real on a copy of BuildInfo.swift."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

import k8scheck as k
from k8scheck import docker_context
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


def test_build_context_holds_what_the_build_copies():
    """Every COPY source is sent by .dockerignore and exists; local state is never sent."""
    placed = docker_context.placements(DOCKERFILE)
    assert "Package.swift" in placed and "Sources/kubeclaw/BuildInfo.swift" in placed
    ignore = docker_context.DockerIgnore.load(REPO)
    for unwanted in (".git", ".build", ".venv-k8s/bin/python", "k8s/base/kustomization.yaml",
                     "Sources/x/.build/debug", "Tests/.swiftpm/x", "docs/deploy.md", "Package.resolved"):
        assert ignore.excluded(unwanted), f"{unwanted} would be sent to the builder"


def test_build_context_holds_every_folder_package_swift_declares():
    """Each custom target path of Package.swift lies in the assembled context (the full
    check, loading the package there, is scripts/check-docker-context.sh)."""
    placed = docker_context.placements(DOCKERFILE)
    manifest = (REPO / "Package.swift").read_text()
    # The fuzz targets exist only with KUBECLAW_FUZZ set (scripts/fuzz-smoke.sh); the image
    # build never sets it, so their folders need not be in its context.
    manifest = manifest.split('if Context.environment["KUBECLAW_FUZZ"]')[0]
    for path in re.findall(r'path:\s*"([^"]+)"', manifest):
        assert any(p.startswith(path.rstrip("/") + "/") for p in placed), \
            f"Package.swift declares {path} but the Dockerfile does not copy it"


@pytest.mark.parametrize("dockerignore, path, excluded", [
    ("*\n!Sources/\n**/.build", "Sources/a.swift", False),
    ("*\n!Sources/\n**/.build", "Sources/x/.build/debug/y", True),
    ("*\n!Sources/\n**/.build", "README.md", True),
    ("*\n!Sources/\nSources/secret?.txt", "Sources/secret1.txt", True),
    ("*\n!Sources/\nSources/secret?.txt", "Sources/secret10.txt", False),
    ("/docs\n", "docs/a/b.md", True),
    ("docs/*.md", "docs/a/b.md", False),
    ("docs/**/*.md", "docs/a/b.md", True),
    ("*.md\n!README.md", "README.md", False),
    ("", "anything", False),
])
def test_dockerignore_semantics(dockerignore, path, excluded):
    assert docker_context.DockerIgnore.parse(dockerignore).excluded(path) is excluded


def test_a_copy_left_out_by_dockerignore_is_named(tmp_path):
    (tmp_path / "Sources").mkdir()
    (tmp_path / "Sources/a.swift").write_text("")
    (tmp_path / "Benchmarks").mkdir()
    (tmp_path / "Benchmarks/b.swift").write_text("")
    (tmp_path / ".dockerignore").write_text("*\n!Sources/\n")
    text = "FROM swift:6.1-bookworm AS build\nWORKDIR /src\nCOPY Sources ./Sources\nCOPY Benchmarks ./Benchmarks\n"
    with pytest.raises(docker_context.ContextError, match="Benchmarks is left out by .dockerignore"):
        docker_context.placements(text, tmp_path)
    (tmp_path / ".dockerignore").write_text("*\n!Sources/\n!Benchmarks/\n")
    assert set(docker_context.placements(text, tmp_path)) == {"Sources/a.swift", "Benchmarks/b.swift"}
