"""The Ollama init container's script, run for real against a stub `ollama serve`.

The script is the committed file the ConfigMap ships (test_manifests checks that the
rendered ConfigMap holds the same bytes), so these runs are the container's behaviour
up to the real Ollama: it waits for the server, skips a model that is present, shows
progress, verifies the result, and exits non-zero on every failure."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO

SCRIPT = REPO / "k8s/base/ollama-pull-model.sh"
STUB = Path(__file__).resolve().parent / "stub_ollama.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def run(tmp_path):
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "ollama").write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STUB}" "$@"\n')
    (shim / "ollama").chmod(0o755)
    log = tmp_path / "requests.log"

    def _run(mode: str, model: str = "qwen2.5:14b", listed_as: str | None = None, **extra):
        log.write_text("")
        env = {
            "PATH": f"{shim}:{os.environ['PATH']}",
            "OLLAMA_MODEL": model,
            "OLLAMA_HOST": f"127.0.0.1:{free_port()}",
            # Generous: the stub starts in well under a second, but CI machines can be busy.
            "OLLAMA_WAIT_SECONDS": "20",
            "OLLAMA_PULL_IDLE_SECONDS": "2",
            "STUB_OLLAMA_MODE": mode,
            "STUB_OLLAMA_MODEL": listed_as or model,
            "STUB_OLLAMA_LOG": str(log),
            "STUB_OLLAMA_PIDFILE": str(tmp_path / "stub.pid"),
            **extra,
        }
        started = time.monotonic()
        proc = subprocess.run(["/bin/bash", str(SCRIPT)], env=env, capture_output=True,
                              text=True, timeout=60, check=False)
        proc.elapsed = time.monotonic() - started
        proc.requests = log.read_text().splitlines()
        return proc

    return _run


def pulls(proc) -> list[str]:
    return [r for r in proc.requests if r.startswith("POST /api/pull")]


@pytest.mark.parametrize("spaced", ["0", "1"])
def test_pulls_with_progress_and_verifies(run, spaced):
    proc = run("ok", STUB_OLLAMA_SPACED=spaced)
    assert proc.returncode == 0, proc.stderr
    assert pulls(proc) == ['POST /api/pull {"model":"qwen2.5:14b","stream":true}']
    assert "pulling 6a0746a1ec1a: 0% (0 of 8 MiB)" in proc.stderr
    assert "pulling 6a0746a1ec1a: 50% (4 of 8 MiB)" in proc.stderr
    assert "pulling 6a0746a1ec1a: 100% (8 of 8 MiB)" in proc.stderr
    assert "verified in /api/tags" in proc.stderr
    # The version poll comes before anything else, the final check after the pull.
    assert proc.requests[0].startswith("GET /api/version")
    assert proc.requests[-1].startswith("GET /api/tags")


@pytest.mark.parametrize("spaced", ["0", "1"])
def test_skips_the_pull_when_the_model_is_present(run, spaced):
    proc = run("present", STUB_OLLAMA_SPACED=spaced)
    assert proc.returncode == 0, proc.stderr
    assert pulls(proc) == []
    assert "already on the volume" in proc.stderr


def test_bare_model_name_means_latest(run):
    proc = run("present", model="tinyllama", listed_as="tinyllama:latest")
    assert proc.returncode == 0, proc.stderr
    assert pulls(proc) == []


@pytest.mark.parametrize("mode, reason", [
    ("pull-error", "pull failed: max retries exceeded"),
    ("pull-500", "answered 'HTTP/1.0 500"),
    ("no-success", "ended without \"success\""),
    ("not-listed", "does not list qwen2.5:14b"),
    ("stall", "no data for 2s"),
])
def test_a_failed_pull_fails_the_container(run, mode, reason):
    proc = run(mode)
    assert proc.returncode != 0
    assert reason in proc.stderr, proc.stderr
    assert "ERROR:" in proc.stderr


def test_a_server_that_dies_fails_at_once(run):
    proc = run("crash")
    assert proc.returncode != 0
    assert "exited before answering /api/version" in proc.stderr
    assert proc.elapsed < 15


def test_the_wait_for_the_server_is_bounded(run):
    proc = run("never-ready", OLLAMA_WAIT_SECONDS="2")
    assert proc.returncode != 0
    assert "did not answer /api/version within 2s" in proc.stderr
    assert proc.elapsed < 15


@pytest.mark.parametrize("env, reason", [
    ({"OLLAMA_MODEL": ""}, "OLLAMA_MODEL is empty"),
    ({"OLLAMA_MODEL": "qwen; rm -rf /"}, "unexpected characters"),
    ({"OLLAMA_HOST": "0.0.0.0:11434"}, "must be a loopback address"),
])
def test_bad_settings_fail_before_starting_a_server(run, env, reason):
    proc = run("ok", **env)
    assert proc.returncode != 0
    assert reason in proc.stderr
    assert proc.requests == []


@pytest.mark.parametrize("mode", ["ok", "pull-error", "never-ready"])
def test_the_server_is_stopped_on_exit(run, tmp_path, mode):
    proc = run(mode, **({"OLLAMA_WAIT_SECONDS": "1"} if mode == "never-ready" else {}))
    assert (proc.returncode == 0) == (mode == "ok")
    pid = int((tmp_path / "stub.pid").read_text())
    assert not Path(f"/proc/{pid}").exists(), "the temporary ollama serve outlived the script"
