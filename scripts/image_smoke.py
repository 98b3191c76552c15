"""The gateway image, built and run without a container engine (scripts/image-smoke.sh).

Three steps, each reading the Dockerfile (scripts/docker_context.py) instead of restating it:

  build   runs the build stage's version-bake step and its `swift build` step in the
          assembled build context (scripts/check-docker-context.sh), /out mapped to a folder
  rootfs  makes the runtime stage's root filesystem up to its COPY --from=build: a
          `debootstrap --variant=minbase` of the stage's Debian release (what debian:*-slim
          is made from) with that image's apt sources, then the stage's RUN steps in a chroot;
          cached under a key of those instructions, so a change to them rebuilds it
  run     (inside `unshare --mount --pid --net`) lays a writable layer over the cached root,
          copies the binary as COPY --from does, runs the stage's later RUN steps, then runs
          the container as the base Deployment describes it: read-only root, emptyDir
          volumes as tmpfs, the ConfigMap and the token Secret as read-only files, the
          Deployment's args and env, the image's USER, WORKDIR, ENV and ENTRYPOINT, no
          capabilities, no_new_privs. `ollama-sim` runs outside the root. Checked:
          `kubeclaw --version`, /startupz, /healthz, /readyz, /metrics, a WebSocket
          handshake with the token, one chat to its final event, and a clean SIGTERM exit.
"""

from __future__ import annotations

import argparse
import base64
import ctypes
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import docker_context as dc

sys.path.insert(0, str(dc.REPO / "k8s/tests"))
from k8scheck import rule_metrics  # noqa: E402  (the same reading of alert expressions as the k8s tests)

REPO = dc.REPO
# debian:<release>-slim is debootstrap --variant=minbase plus these apt sources (and dpkg
# excludes for documentation, which change no behaviour).
SLIM_SOURCES = """Types: deb
URIs: http://deb.debian.org/debian
Suites: {release} {release}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: {release}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
# Bump when the recipe below changes in a way the Dockerfile's text does not show.
ROOTFS_RECIPE = "2"
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
REPLY = "Hello from the image smoke test: the gateway runs in its runtime image."


def log(message: str) -> None:
    print(f"image-smoke: {message}", flush=True)


class SmokeFailure(Exception):
    pass


def dockerfile() -> str:
    return (REPO / "Dockerfile").read_text()


def runtime_stage() -> dc.Stage:
    return dc.parse_stages(dockerfile())[-1]


def stage_env(stage: dc.Stage, upto: int, build_args: dict[str, str]) -> dict[str, str]:
    """ARG and ENV values in force before instruction `upto` of `stage`."""
    env = {"PATH": DEFAULT_PATH}
    for ins in stage.instructions[:upto]:
        if ins.keyword == "ARG":
            key, _, default = ins.args.partition("=")
            env[key.strip()] = build_args.get(key.strip(), default.strip())
        elif ins.keyword == "ENV":
            env.update(dc.env_pairs(ins.args))
    return env


# ---------------------------------------------------------------------------------------
# build


def build(context: Path, out: Path, version: str) -> Path:
    """The build stage's bake and compile steps, in `context` (its WORKDIR)."""
    stage = dc.parse_stages(dockerfile())[0]
    shell = stage.shell()
    root = dc.workdir(stage)
    steps = [(i, ins) for i, ins in enumerate(stage.instructions) if ins.keyword == "RUN"]
    bake = [(i, ins) for i, ins in steps if "BuildInfo.swift" in ins.args]
    compile_ = [(i, ins) for i, ins in steps if "swift build" in ins.args]
    if len(bake) != 1 or len(compile_) != 1:
        raise SmokeFailure("the build stage must have one version-bake RUN and one `swift build` RUN")
    out.mkdir(parents=True, exist_ok=True)
    for index, ins in (bake[0], compile_[0]):
        _, command = dc.run_command(ins.args)
        # Paths of the builder's file system, mapped to this machine: WORKDIR is the
        # assembled context, /out a folder of the cache. A --mount=type=cache on WORKDIR's
        # .build is what the context folder keeps between runs anyway.
        for path, local in ((root, context), ("/out", out)):
            command = re.sub(rf"(?<![\w./-]){re.escape(path)}(?=[/\s\"']|$)", str(local), command)
        env = {**os.environ, **stage_env(stage, index, {"SERVICE_VERSION": version})}
        env["PATH"] = os.environ["PATH"]
        log(f"build stage: {command.split(chr(10))[0][:100]}...")
        started = time.monotonic()
        proc = subprocess.run([*shell, command], cwd=context, env=env, check=False)
        if proc.returncode != 0:
            raise SmokeFailure(f"the build stage's step failed (exit {proc.returncode}): {command}")
        log(f"  done in {time.monotonic() - started:.0f} s")
    binary = out / "kubeclaw"
    if not binary.is_file():
        raise SmokeFailure(f"the build stage left no {binary}")
    return binary


# ---------------------------------------------------------------------------------------
# rootfs


def copy_index(stage: dc.Stage) -> int:
    for i, ins in enumerate(stage.instructions):
        if ins.keyword == "COPY" and "from" in dc.split_flags(ins.args)[0]:
            return i
    raise SmokeFailure("the runtime stage has no COPY --from=build")


def rootfs_key(stage: dc.Stage) -> str:
    recipe = [ROOTFS_RECIPE, SLIM_SOURCES] + [f"{k} {a}" for k, a in stage.instructions[:copy_index(stage)]]
    return hashlib.sha256("\n".join(recipe).encode()).hexdigest()[:16]


def debian_release(base: str) -> str:
    match = re.fullmatch(r"debian:([a-z]+)(-slim)?", base)
    if not match:
        raise SmokeFailure(f"the runtime stage's base {base!r} is not a debian:<release>[-slim] image")
    return match.group(1)


def inside(root: Path, path: str) -> Path:
    """`path` as seen from inside `root`: symlinks are resolved against `root`, never the
    host (`/var/run` is a link to `/run` in Debian; followed from outside it would be the
    host's /run)."""
    resolved = root
    parts = [p for p in path.split("/") if p not in ("", ".")]
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            resolved = resolved.parent if resolved != root else root
            continue
        candidate = resolved / part
        if candidate.is_symlink():
            hops += 1
            if hops > 40:
                raise SmokeFailure(f"too many symlinks resolving {path} in the root filesystem")
            target = os.readlink(candidate)
            parts = [p for p in target.split("/") if p not in ("", ".")] + parts
            resolved = root if target.startswith("/") else resolved
            continue
        resolved = candidate
    return resolved


def chroot_run(root: Path, shell: list[str], command: str, env: dict[str, str], workdir: str = "/") -> None:
    """A RUN step as root in `root`, with /proc and the host's DNS (apt needs both), in a
    mount namespace of its own so nothing stays mounted."""
    (root / "etc/resolv.conf").unlink(missing_ok=True)  # never write through a link to the host
    shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
    try:
        script = 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"'
        argv = ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", str(root),
                str(root), "/usr/bin/env", "-i", *[f"{k}={v}" for k, v in env.items()],
                "/bin/sh", "-c", 'cd "$0" && exec "$@"', workdir, *shell, command]
        proc = subprocess.run(argv, check=False)
        if proc.returncode != 0:
            raise SmokeFailure(f"RUN failed in the root filesystem (exit {proc.returncode}): {command}")
    finally:
        (root / "etc/resolv.conf").unlink(missing_ok=True)


def ensure_rootfs(cache: Path, version: str) -> Path:
    stage = runtime_stage()
    key = rootfs_key(stage)
    target = cache / f"rootfs-{key}"
    if (target / ".complete").exists():
        log(f"root filesystem: cached {target.name} (recipe unchanged)")
        return target
    for old in cache.glob("rootfs-*"):
        log(f"root filesystem: removing {old.name} (another recipe)")
        shutil.rmtree(old)
    release = debian_release(stage.base)
    partial = cache / f"rootfs-{key}.partial"
    started = time.monotonic()
    log(f"root filesystem: debootstrap --variant=minbase {release} (a few minutes, once per recipe)")
    cache.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["debootstrap", "--variant=minbase", release, str(partial), "http://deb.debian.org/debian"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if proc.returncode != 0:
        print(proc.stdout[-4000:])
        raise SmokeFailure("debootstrap failed")
    (partial / "etc/apt/sources.list").unlink(missing_ok=True)
    (partial / "etc/apt/sources.list.d/debian.sources").write_text(SLIM_SOURCES.format(release=release))
    log(f"  debootstrap: {time.monotonic() - started:.0f} s")
    workdir = "/"
    for index, ins in enumerate(stage.instructions[:copy_index(stage)]):
        if ins.keyword == "WORKDIR":
            workdir = ins.args
        if ins.keyword in ("RUN", "USER", "COPY", "ADD"):
            if ins.keyword != "RUN":
                raise SmokeFailure(f"the runtime stage's {ins.keyword} before COPY --from is not supported here")
            _, command = dc.run_command(ins.args)
            log(f"  RUN {command[:90]}...")
            chroot_run(partial, stage.shell(), command, stage_env(stage, index, {"SERVICE_VERSION": version}), workdir)
    (partial / ".complete").write_text(key)
    partial.rename(target)
    log(f"root filesystem: {target.name} ready in {time.monotonic() - started:.0f} s")
    return target


# ---------------------------------------------------------------------------------------
# run: the container, as the base Deployment describes it


libc = ctypes.CDLL(None, use_errno=True)
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 38, 24


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def drop_to(root: Path, workdir: str, uid: int, gid: int):
    """preexec_fn: chroot, cd, become uid:gid with no supplementary groups, no capabilities
    (bounding set emptied too) and no_new_privs, as a pod with runAsUser, drop: [ALL] and
    allowPrivilegeEscalation: false."""
    def apply() -> None:
        os.chroot(root)
        os.chdir(workdir)
        for cap in range(64):
            libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    return apply


class Pod:
    """The gateway container of the rendered base Deployment, as this script runs it."""

    def __init__(self, rendered: list[dict]):
        deployments = [d for d in rendered if d.get("kind") == "Deployment" and d["metadata"]["name"] == "openclaw-gateway"]
        if len(deployments) != 1:
            raise SmokeFailure("the rendered base has no openclaw-gateway Deployment")
        self.spec = deployments[0]["spec"]["template"]["spec"]
        self.container = next(c for c in self.spec["containers"] if c["name"] == "gateway")
        self.config_maps = {d["metadata"]["name"]: d for d in rendered if d.get("kind") == "ConfigMap"}
        self.rendered = rendered

    @property
    def security(self) -> dict:
        return {**self.spec.get("securityContext", {}), **self.container.get("securityContext", {})}

    def volume(self, name: str) -> dict:
        return next(v for v in self.spec.get("volumes", []) if v["name"] == name)

    def env(self) -> dict[str, str]:
        return {e["name"]: str(e["value"]) for e in self.container.get("env", []) if "value" in e}


class WebSocket:
    """Just enough of RFC 6455 for one client: text frames, masked, no extensions."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None, timeout: float = 30):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET / HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise SmokeFailure("the gateway closed the connection during the WebSocket upgrade")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0].decode()
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        if " 101 " not in status + " " or accept.encode() not in head:
            raise SmokeFailure(f"the WebSocket upgrade was refused: {status}")

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SmokeFailure("the gateway closed the WebSocket")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def send(self, message: dict) -> None:
        payload = json.dumps(message).encode()
        header = bytearray([0x81])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + len(payload).to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + len(payload).to_bytes(8, "big")
        mask = os.urandom(4)
        self.sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self) -> dict:
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = int.from_bytes(self._read(2), "big")
            elif length == 127:
                length = int.from_bytes(self._read(8), "big")
            payload = self._read(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                raise SmokeFailure(f"the gateway closed the WebSocket ({code}: {payload[2:].decode(errors='replace')})")
            if opcode in (0x9, 0xA):
                continue
            message += payload
            if first & 0x80:
                return json.loads(message)

    def until(self, predicate, what: str, limit: int = 1000) -> dict:
        for _ in range(limit):
            frame = self.receive()
            if predicate(frame):
                return frame
        raise SmokeFailure(f"no {what} among {limit} frames")

    def close(self) -> None:
        self.sock.close()


# Loopback only: no proxy from the environment applies.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(port: int, path: str) -> tuple[int, str]:
    try:
        with _opener.open(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(what: str, condition, process: subprocess.Popen | None, seconds: float):
    """Polls `condition` until it returns a truthy value; fails when `process` exits or the
    generous deadline passes (it bounds a hang, it does not time the gateway)."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SmokeFailure(f"the process exited ({process.returncode}) while waiting for {what}")
        try:
            result = condition()
            if result:
                return result
        except (OSError, ValueError) as error:
            last = error
        time.sleep(0.2)
    raise SmokeFailure(f"{what}: not within {seconds:.0f} s ({last})")


def run(cache: Path, binary: Path, sim: Path, version: str, rendered_path: Path) -> None:
    import yaml  # the validation venv's PyYAML (scripts/image-smoke.sh runs this with it)

    if os.getpid() != 1:
        raise SmokeFailure("`run` belongs inside `unshare --mount --pid --net --fork` (scripts/image-smoke.sh)")
    mount("--make-rprivate", "/")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    pod = Pod([d for d in yaml.safe_load_all(rendered_path.read_text()) if d])
    stage = runtime_stage()
    rootfs = cache / f"rootfs-{rootfs_key(stage)}"
    if not (rootfs / ".complete").exists():
        raise SmokeFailure(f"no root filesystem {rootfs}: run the rootfs step first")
    scratch = Path(tempfile.mkdtemp(prefix="kubeclaw-image-smoke."))
    mount("-t", "tmpfs", "-o", "mode=0700", "smoke", str(scratch))
    for name in ("upper", "work", "root", "files"):
        (scratch / name).mkdir()
    root = scratch / "root"
    mount("-t", "overlay", "-o", f"lowerdir={rootfs},upperdir={scratch}/upper,workdir={scratch}/work", "image", str(root))

    # The rest of the runtime stage: COPY --from=build, then its RUN steps as the image build would.
    start = copy_index(stage)
    _, words = dc.split_flags(stage.instructions[start].args)
    dest = inside(root, words[-1])
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(binary, dest)
    os.chmod(dest, 0o755)
    os.chown(dest, 0, 0)
    user = "0:0"
    workdir = next((i.args for i in reversed(stage.instructions[:start]) if i.keyword == "WORKDIR"), "/")
    for index, ins in enumerate(stage.instructions[start + 1:], start + 1):
        if ins.keyword == "USER":
            user = ins.args
        elif ins.keyword == "WORKDIR":
            workdir = ins.args
        elif ins.keyword == "RUN":
            if user.split(":")[0] not in ("0", "root"):
                raise SmokeFailure("a RUN after USER is not supported here")
            log(f"runtime stage: RUN {dc.run_command(ins.args)[1][:80]}")
            chroot_run(root, stage.shell(), dc.run_command(ins.args)[1],
                       stage_env(stage, index, {"SERVICE_VERSION": version}), workdir)
    uid, _, gid = stage.last("USER").partition(":")
    uid, gid = int(uid), int(gid or uid)
    security = pod.security
    if (security.get("runAsUser"), security.get("runAsGroup")) != (uid, gid):
        raise SmokeFailure(f"the Deployment runs as {security.get('runAsUser')}:{security.get('runAsGroup')}, "
                           f"the image as {uid}:{gid}")
    image_env = stage_env(stage, len(stage.instructions), {"SERVICE_VERSION": version})
    image_env = {k: v for k, v in image_env.items() if k not in stage.arg_defaults()}  # ARGs are build-time only

    # The pod's volumes: emptyDir -> tmpfs, configMap / secret -> read-only files.
    secret_files = {}
    for m in pod.container.get("volumeMounts", []):
        volume = pod.volume(m["name"])
        target = inside(root, m["mountPath"])
        target.mkdir(parents=True, exist_ok=True)
        if "emptyDir" in volume:
            size = volume["emptyDir"].get("sizeLimit", "64Mi").replace("Mi", "m").replace("Gi", "g")
            mount("-t", "tmpfs", "-o", f"size={size},mode=0777,nosuid,nodev", m["name"], str(target))
            continue
        source = scratch / "files" / m["name"]
        source.mkdir()
        if "configMap" in volume:
            data = pod.config_maps[volume["configMap"]["name"]]["data"]
            items = volume["configMap"].get("items") or [{"key": k, "path": k} for k in data]
            for item in items:
                (source / item["path"]).write_text(data[item["key"]])
                os.chmod(source / item["path"], volume["configMap"].get("defaultMode", 0o644))
        elif "secret" in volume:
            # The test's own token, in the place and with the mode the Secret volume gives it.
            items = volume["secret"].get("items") or []
            for item in items:
                value = uuid.uuid4().hex
                (source / item["path"]).write_text(value + "\n")
                os.chmod(source / item["path"], volume["secret"].get("defaultMode", 0o644))
                os.chown(source / item["path"], 0, int(security.get("fsGroup", gid)))
                secret_files[item["key"]] = value
        else:
            raise SmokeFailure(f"volume {m['name']}: only emptyDir, configMap and secret are run here")
        mount("--bind", "-o", "ro", str(source), str(target))
        mount("-o", "remount,bind,ro", str(target))
    (root / "proc").mkdir(exist_ok=True)
    mount("-t", "proc", "-o", "nosuid,nodev,noexec", "proc", str(root / "proc"))
    if security.get("readOnlyRootFilesystem"):
        mount("-o", "remount,ro", str(root))

    # Outside the root: the Ollama simulator with the ConfigMap's model.
    model = json.loads(pod.config_maps["openclaw-config"]["data"]["openclaw.json"])["agent"]["model"]
    sim_process = subprocess.Popen([str(sim), "--host", "127.0.0.1", "--port", "11434", "--model", model,
                                    "--reply", REPLY, "--tokens-per-second", "40", "--log-level", "warning"])
    processes = [sim_process]
    try:
        wait_for("ollama-sim on 127.0.0.1:11434", lambda: http_get(11434, "/api/version")[0] == 200, sim_process, 60)
        entrypoint = dc.exec_form(stage.last("ENTRYPOINT"))
        container_env = {**image_env, **pod.env(), "OLLAMA_HOST": "http://127.0.0.1:11434"}
        preexec = drop_to(root, workdir, uid, gid)

        proc = subprocess.run([*entrypoint, "--version"], env=container_env, preexec_fn=preexec,
                              capture_output=True, text=True, timeout=60, check=False)
        if proc.returncode != 0 or version not in proc.stdout:
            raise SmokeFailure(f"`kubeclaw --version` as {uid}:{gid} printed {proc.stdout!r} {proc.stderr!r} "
                               f"(exit {proc.returncode}), expected {version}")
        log(f"`kubeclaw --version` as uid {uid}: {proc.stdout.strip()}")

        argv = [*entrypoint, *pod.container.get("args", [])]
        if len(secret_files) != 1:
            raise SmokeFailure(f"expected one Secret file (the gateway token), found {sorted(secret_files)}")
        token = next(iter(secret_files.values()))
        log(f"serve: {' '.join(argv)} (uid {uid}, read-only root: {bool(security.get('readOnlyRootFilesystem'))})")
        gateway_log = open(scratch / "gateway.log", "w+")
        gateway = subprocess.Popen(argv, env=container_env, preexec_fn=preexec, stdout=gateway_log,
                                   stderr=subprocess.STDOUT)
        processes.append(gateway)
        ws_port, http_port = int(container_env["KUBECLAW_PORT"]), int(container_env["KUBECLAW_HTTP_PORT"])
        wait_for("/startupz 200", lambda: http_get(http_port, "/startupz")[0] == 200, gateway, 120)
        for path in ("/healthz", "/readyz"):
            status, body = wait_for(f"{path} 200", lambda p=path: (lambda r: r if r[0] == 200 else None)(http_get(http_port, p)),
                                    gateway, 60)
            log(f"GET {path}: {status} {body[:120]}")
        ws = WebSocket("127.0.0.1", ws_port)
        challenge = ws.receive()
        if challenge.get("event") != "connect.challenge":
            raise SmokeFailure(f"expected connect.challenge, got {challenge}")
        ws.send({"type": "req", "id": "1", "method": "connect", "params": {
            "minProtocol": 3, "maxProtocol": 3, "scopes": ["operator.read", "operator.write"], "auth": {"token": token},
            "client": {"id": "cli", "version": "1.0", "platform": "linux", "mode": "cli"}}})
        hello = ws.until(lambda f: f.get("type") == "res" and f.get("id") == "1", "connect response")
        if not hello.get("ok") or hello["payload"]["server"]["version"] != version:
            raise SmokeFailure(f"the handshake failed or reported another version: {json.dumps(hello)[:400]}")
        log(f"WebSocket handshake with the mounted token: hello-ok, server {hello['payload']['server']['version']}")
        ws.send({"type": "req", "id": "2", "method": "chat.send", "params": {
            "sessionKey": "main", "message": "Hello!", "idempotencyKey": str(uuid.uuid4())}})
        ack = ws.until(lambda f: f.get("type") == "res" and f.get("id") == "2", "chat.send response")
        if not ack.get("ok"):
            raise SmokeFailure(f"chat.send failed: {ack}")
        final = ws.until(lambda f: f.get("event") == "chat" and f["payload"].get("state") in ("final", "error", "aborted"),
                         "chat final event")
        text = "".join(part.get("text", "") for part in (final["payload"].get("message") or {}).get("content", []))
        if final["payload"]["state"] != "final" or text.strip() != REPLY:
            raise SmokeFailure(f"the chat did not end with the model's reply: {json.dumps(final)[:400]}")
        log(f"chat: final with the model's reply ({len(text)} characters)")
        ws.close()
        status, metrics = http_get(http_port, "/metrics")
        if status != 200 or 'kubeclaw_requests_total{method="chat.send",outcome="ok"} 1' not in metrics:
            raise SmokeFailure("/metrics does not count the chat.send")
        samples = {line.split("{")[0].split(" ")[0] for line in metrics.splitlines() if line and not line.startswith("#")}
        alerts = [r for d in pod.rendered if d.get("kind") == "PrometheusRule"
                  for g in d["spec"]["groups"] for r in g["rules"]]
        read = set().union(*(rule_metrics(r["expr"]) for r in alerts)) - {"up"} if alerts else set()
        if read - samples:
            raise SmokeFailure(f"the alerts read {sorted(read - samples)}, which the binary's /metrics does not export")
        if 'kubeclaw_chat_runs_total{outcome="final"} 1' not in metrics:
            raise SmokeFailure("/metrics does not count the chat run")
        log(f"/metrics: every metric the {len(alerts)} alerts read is exported")
        data_dir = inside(root, container_env.get("KUBECLAW_DATA_DIR", workdir))
        stored = list(data_dir.iterdir()) if data_dir.exists() else []
        log(f"/metrics counts the chat; data dir holds {sorted(p.name for p in stored)}")

        gateway.send_signal(signal.SIGTERM)
        try:
            gateway.wait(timeout=60)
        except subprocess.TimeoutExpired as error:
            raise SmokeFailure("the gateway did not exit within 60 s of SIGTERM") from error
        gateway_log.close()
        output = (scratch / "gateway.log").read_text()
        if gateway.returncode != 0:
            raise SmokeFailure(f"the gateway exited {gateway.returncode} after SIGTERM:\n{output[-3000:]}")
        if token in output:
            raise SmokeFailure("the gateway's log contains the token")
        log("SIGTERM: the gateway drained and exited 0; its log never shows the token")
    except BaseException:
        for process in processes:
            if process.poll() is None:
                process.kill()
            else:
                log(f"{process.args[0]} had exited with status {process.returncode}")
        if (scratch / "gateway.log").exists():
            print("---- gateway log (last 60 lines) ----")
            print("\n".join((scratch / "gateway.log").read_text().splitlines()[-60:]))
        raise
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        subprocess.run(["umount", "--recursive", "--lazy", str(scratch)], check=False)


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="image_smoke.py")
    sub = parser.add_subparsers(dest="step", required=True)
    b = sub.add_parser("build")
    b.add_argument("--context", type=Path, required=True)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--version", required=True)
    r = sub.add_parser("rootfs")
    r.add_argument("--cache", type=Path, required=True)
    r.add_argument("--version", required=True)
    u = sub.add_parser("run")
    u.add_argument("--cache", type=Path, required=True)
    u.add_argument("--binary", type=Path, required=True)
    u.add_argument("--sim", type=Path, required=True)
    u.add_argument("--version", required=True)
    u.add_argument("--rendered", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.step == "build":
            build(args.context, args.out, args.version)
        elif args.step == "rootfs":
            ensure_rootfs(args.cache, args.version)
        else:
            run(args.cache, args.binary, args.sim, args.version, args.rendered)
    except SmokeFailure as failure:
        log(f"FAILED: {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
