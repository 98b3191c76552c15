#!/usr/bin/env python3
"""Measures the kubeclaw runtime: time from start to ready, idle RSS, and RSS with N idle
WebSocket clients that completed the OpenClaw handshake.

Everything runs on loopback: an `ollama-sim` process as the backend, the `kubeclaw serve`
process under test, and the clients in a separate process (this script re-run with
`client`), so the numbers are the gateway's alone. Only processes this script started are
signalled, by PID. Every wait is bounded.

    measure_runtime.py measure --kubeclaw PATH --ollama-sim PATH [--clients 1000] [--runs 5]
"""
import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

TOKEN = "bench-" + uuid.uuid4().hex
MAX_CLIENTS = 5000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(url: str, timeout: float = 1.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, OSError):
        return 0


def http_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def rss_kib(pid: int) -> dict:
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                values[key] = int(rest.split()[0])
    return values


def metric(text: str, name: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


def stop(process: subprocess.Popen, timeout: float = 15) -> int | None:
    """SIGTERM, bounded wait, then SIGKILL; the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class Gateway:
    """One `kubeclaw serve` on free loopback ports with a fresh data directory."""

    def __init__(self, binary: str, ollama_url: str, workdir: str):
        self.ws_port = free_port()
        self.http_port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="data-", dir=workdir)
        self.command = [
            binary, "serve", "--host", "127.0.0.1", "--port", str(self.ws_port), "--http-port", str(self.http_port),
            "--data-dir", self.data_dir, "--ollama-url", ollama_url, "--log-level", "warning",
        ]
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
                       "OPENCLAW_GATEWAY_TOKEN": TOKEN}
        self.log = open(os.path.join(workdir, f"kubeclaw-{self.ws_port}.log"), "w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(self.command, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.http_port}{path}"

    def wait_ready(self, timeout: float = 30, interval: float = 0.010) -> float:
        """Polls /readyz every `interval` s; seconds from process start to the first 200."""
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kubeclaw exited with {self.process.returncode}; see {self.log.name}")
            if http_status(self.url("/readyz"), timeout=0.5) == 200:
                return time.monotonic() - self.started
            time.sleep(interval)
        raise RuntimeError(f"kubeclaw not ready within {timeout} s; see {self.log.name}")

    def stop(self) -> int | None:
        status = stop(self.process)
        self.log.close()
        return status


def start_simulator(binary: str, workdir: str) -> tuple[subprocess.Popen, str]:
    log_path = os.path.join(workdir, "ollama-sim.log")
    log = open(log_path, "w")
    process = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", "0"], stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with open(log_path) as text:
            for line in text:
                if "listening on http://" in line:
                    return process, line.strip().rsplit(" ", 1)[1]
        if process.poll() is not None:
            break
        time.sleep(0.02)
    stop(process)
    raise RuntimeError(f"ollama-sim did not start; see {log_path}")


def measure(args) -> None:
    count = min(args.clients, MAX_CLIENTS)
    workdir = tempfile.mkdtemp(prefix="kubeclaw-bench-")
    version = subprocess.run([args.kubeclaw, "--version"], capture_output=True, text=True, timeout=15).stdout.strip()
    simulator, ollama_url = start_simulator(args.ollama_sim, workdir)
    results = {"version": version, "clients": count, "runs": args.runs}
    try:
        # 1. Time from process start to /readyz 200 (store open, listeners up, model present).
        times = []
        for _ in range(args.runs):
            gateway = Gateway(args.kubeclaw, ollama_url, workdir)
            try:
                times.append(gateway.wait_ready() * 1000)
            finally:
                gateway.stop()
        results["startToReadyMs"] = {"median": round(statistics.median(times), 1), "runs": [round(t, 1) for t in times]}
        results["command"] = " ".join(gateway.command[:1] + ["serve", "--host", "127.0.0.1", "--port", "P", "--http-port", "Q",
                                                            "--data-dir", "DIR", "--ollama-url", ollama_url])

        # 2. Idle RSS, then 3. RSS with `count` idle clients past the handshake.
        gateway = Gateway(args.kubeclaw, ollama_url, workdir)
        clients = None
        try:
            gateway.wait_ready()
            time.sleep(args.settle)
            results["idle"] = rss_kib(gateway.process.pid)

            clients = subprocess.Popen(
                [sys.executable, __file__, "client", "--port", str(gateway.ws_port), "--count", str(count),
                 "--timeout", str(args.timeout)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
            began = time.monotonic()
            line = clients.stdout.readline().strip()
            if not line.startswith("ready"):
                raise RuntimeError(f"clients failed: {line} {clients.stderr.read()}")
            results["connectAllSeconds"] = round(time.monotonic() - began, 2)
            time.sleep(args.settle)
            results["withClients"] = rss_kib(gateway.process.pid)
            results["clientReport"] = json.loads(line.split(" ", 1)[1])
            text = http_text(gateway.url("/metrics"))
            results["connectionsGauge"] = metric(text, "kubeclaw_websocket_connections")
            results["slowConsumersClosed"] = metric(text, "kubeclaw_slow_consumers_closed_total")
            results["bytesSent"] = metric(text, "kubeclaw_websocket_bytes_sent_total")
        finally:
            if clients is not None:
                stop(clients, timeout=10)
            results["exitStatusAfterSigterm"] = gateway.stop()
    finally:
        stop(simulator)
    shutil.rmtree(workdir, ignore_errors=True)  # kept, with the logs, when a step failed
    idle, loaded = results["idle"]["VmRSS"], results["withClients"]["VmRSS"]
    results["perClientKiB"] = round((loaded - idle) / count, 1)
    print(json.dumps(results, indent=2))
    print(f"\nkubeclaw {version}: start→ready median {results['startToReadyMs']['median']} ms "
          f"(runs {results['startToReadyMs']['runs']}); idle RSS {idle / 1024:.1f} MiB; "
          f"RSS with {count} idle clients {loaded / 1024:.1f} MiB (+{results['perClientKiB']} KiB per client); "
          f"gauge {results['connectionsGauge']}")


async def run_clients(port: int, count: int, timeout: float) -> None:
    from websockets.asyncio.client import connect

    url = f"ws://127.0.0.1:{port}/"
    token = os.environ["KUBECLAW_BENCH_TOKEN"]
    sockets = []
    received = {"events": 0}
    gate = asyncio.Semaphore(64)

    async def drain(ws):
        try:
            async for _ in ws:
                received["events"] += 1
        except Exception:
            pass

    async def one(index: int):
        async with gate:
            ws = await connect(url, open_timeout=timeout, ping_interval=None, max_size=2**20)
            challenge = json.loads(await ws.recv())
            assert challenge["event"] == "connect.challenge", challenge
            await ws.send(json.dumps({"type": "req", "id": "c", "method": "connect", "params": {
                "minProtocol": 3, "maxProtocol": 3, "auth": {"token": token},
                "client": {"id": "bench", "version": "1", "platform": "linux", "mode": "cli", "instanceId": f"bench-{index}"},
                "scopes": ["operator.read"]}}))
            while True:
                frame = json.loads(await ws.recv())
                if frame.get("type") == "res" and frame.get("id") == "c":
                    if not frame.get("ok"):
                        raise RuntimeError(f"connect refused: {frame}")
                    break
            sockets.append(ws)
            asyncio.get_running_loop().create_task(drain(ws))

    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(count))), timeout)
    report = {"connected": len(sockets), "seconds": round(time.monotonic() - started, 2)}
    print("ready " + json.dumps(report), flush=True)
    # Idle until the parent closes stdin or signals us, at most `timeout` more seconds.
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.run_in_executor(None, sys.stdin.read), timeout)
    except asyncio.TimeoutError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("measure")
    run.add_argument("--kubeclaw", required=True)
    run.add_argument("--ollama-sim", required=True)
    run.add_argument("--clients", type=int, default=1000)
    run.add_argument("--runs", type=int, default=5)
    run.add_argument("--settle", type=float, default=2.0, help="seconds to wait before reading RSS")
    run.add_argument("--timeout", type=float, default=120.0)
    client = commands.add_parser("client")
    client.add_argument("--port", type=int, required=True)
    client.add_argument("--count", type=int, required=True)
    client.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    if args.command == "measure":
        os.environ["KUBECLAW_BENCH_TOKEN"] = TOKEN  # inherited by the client process
        measure(args)
    else:
        asyncio.run(run_clients(args.port, min(args.count, MAX_CLIENTS), args.timeout))


if __name__ == "__main__":
    main()
