"""Fixtures of the client's tests: the package on the path, `run` for a bounded asyncio scenario,
and `gateway`: a real `kubeclaw serve` over `ollama-sim`, both started from KUBECLAW_BUILD_DIR
(default .build/debug of the repository) and stopped by PID at the end, or by `atexit` if the
test process ends early. The gateway logs at warning; it is ready when `GET /startupz` answers 200."""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, TypeVar

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

T = TypeVar("T")

REPLY = " ".join(f"word{i}" for i in range(60))
"""What ollama-sim answers every chat with: 60 words at 20 tokens per second (about 3 s)."""


def run(scenario: Callable[[], Awaitable[T]], timeout: float = 60.0) -> T:
    """Runs an async scenario in a fresh event loop, bounded by `timeout` seconds."""

    async def bounded() -> T:
        return await asyncio.wait_for(scenario(), timeout)

    return asyncio.run(bounded())


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0, interval: float = 0.02) -> None:
    """Polls `condition` until it holds; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Child:
    """A started process whose output is collected by a thread (so its pipe never fills)."""

    running: List["Child"] = []

    def __init__(self, arguments: List[str], environment: Dict[str, str]) -> None:
        self.process = subprocess.Popen(arguments, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        self.name = Path(arguments[0]).name
        self.output = ""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        Child.running.append(self)

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for chunk in iter(lambda: self.process.stdout.read1(4096), b""):  # type: ignore[attr-defined,union-attr]
            with self._lock:
                self.output += chunk.decode("utf-8", "replace")

    def text(self) -> str:
        with self._lock:
            return self.output

    def wait_for_output(self, pattern: str, timeout: float = 60.0) -> "re.Match[str]":
        found: List[Optional[re.Match[str]]] = [None]

        def matched() -> bool:
            found[0] = re.search(pattern, self.text())
            if found[0] is None and self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited ({self.process.returncode}) before {pattern!r}:\n{self.text()}")
            return found[0] is not None

        wait_until(matched, f"{pattern!r} from {self.name}", timeout)
        assert found[0] is not None
        return found[0]

    def stop(self) -> None:
        """SIGTERM by PID, SIGKILL after 5 s; returns when the process has exited."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._reader.join(5)
        if self in Child.running:
            Child.running.remove(self)


@atexit.register
def _kill_children() -> None:
    for child in list(Child.running):
        if child.process.poll() is None:
            os.kill(child.process.pid, signal.SIGKILL)


def _terminated(signum: int, frame: Any) -> None:
    """Killed by a test runner's timeout: take the servers along (by PID), then exit."""
    _kill_children()
    os._exit(128 + signum)


signal.signal(signal.SIGTERM, _terminated)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def build_dir() -> Path:
    return Path(os.environ.get("KUBECLAW_BUILD_DIR") or PACKAGE_ROOT / ".build" / "debug")


class Gateway:
    """`kubeclaw serve` on loopback with a token, over the simulator at `simulator_url`."""

    def __init__(self, simulator_url: str, data_dir: str) -> None:
        self.simulator_url = simulator_url
        self.data_dir = data_dir
        self.token = f"py-client-{uuid.uuid4()}"
        self.ws_port = 0
        self.http_port = 0
        self.child: Optional[Child] = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}"

    def start(self, same_ports: bool = False) -> None:
        """Starts the gateway (on fresh ports, retried if one was taken meanwhile, or on the
        previous ones) and waits until /startupz answers 200."""
        for attempt in range(5):
            if not same_ports:
                self.ws_port, self.http_port = free_port(), free_port()
            child = Child([
                str(build_dir() / "kubeclaw"), "serve", "--host", "127.0.0.1", "--port", str(self.ws_port),
                "--http-port", str(self.http_port), "--data-dir", self.data_dir, "--ollama-url", self.simulator_url,
                "--log-level", "warning", "--log-format", "text",
            ], {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
                "OPENCLAW_GATEWAY_TOKEN": self.token})
            if self._ready(child):
                self.child = child
                return
            child.stop()
            if attempt == 4:
                raise AssertionError(f"kubeclaw serve did not start:\n{child.text()}")
        raise AssertionError("unreachable")

    def _ready(self, child: Child, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if child.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/startupz", timeout=1) as response:
                    if response.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"kubeclaw serve: /startupz not 200 within {timeout} s:\n{child.text()}")

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()
            self.child = None


@pytest.fixture(scope="session")
def gateway() -> Any:
    for name in ("kubeclaw", "ollama-sim"):
        path = build_dir() / name
        assert path.exists(), f"{path} missing: run swift build (or set KUBECLAW_BUILD_DIR)"
    data_dir = tempfile.mkdtemp(prefix="kubeclaw-py-client-")
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    simulator = Child([str(build_dir() / "ollama-sim"), "--port", "0", "--tokens-per-second", "20", "--reply", REPLY], environment)
    gateway = Gateway("", data_dir)
    try:
        gateway.simulator_url = simulator.wait_for_output(r"listening on (http://127\.0\.0\.1:\d+)").group(1)
        gateway.start()
        yield gateway
    finally:
        gateway.stop()
        simulator.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
