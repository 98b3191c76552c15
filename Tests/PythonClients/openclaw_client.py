"""A scripted OpenClaw client, as today's Control UI (protocol 4, signed device identity) and as
an older protocol-3 client speak to a gateway. Run by Tests/RuntimeTests/PythonClientTests.swift
against a real Kubeclaw; usable against any OpenClaw-compatible gateway:

    python openclaw_client.py v4 --url ws://127.0.0.1:18789 --token "$OPENCLAW_GATEWAY_TOKEN"
    python openclaw_client.py v3 --url ws://127.0.0.1:18789 --token "$OPENCLAW_GATEWAY_TOKEN"

Each check prints `ok <name>` or `FAIL <name>: <why>`; the last line is `N passed, N failed` and
the exit status is 1 when anything failed. Every wait is bounded (`--timeout`, default 30 s).
"""

import argparse
import asyncio
import base64
import hashlib
import json
import sys
import time
import uuid

import websockets
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Device:
    """An Ed25519 device identity as the Control UI keeps one (id = sha256 of the raw key)."""

    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key = b64url(raw)
        self.id = hashlib.sha256(raw).hexdigest()

    def block(self, *, client_id, mode, role, scopes, token, nonce, signed_at=None):
        """The connect `device` block, signed over the v2 payload (what the Control UI signs)."""
        signed_at = signed_at if signed_at is not None else int(time.time() * 1000)
        payload = "|".join(["v2", self.id, client_id, mode, role, ",".join(scopes), str(signed_at), token, nonce])
        return {"id": self.id, "publicKey": self.public_key, "signature": b64url(self.key.sign(payload.encode())),
                "signedAt": signed_at, "nonce": nonce}


class Connection:
    def __init__(self, ws, timeout):
        self.ws, self.timeout, self.frames, self.next_id = ws, timeout, [], 0

    async def recv(self):
        frame = json.loads(await asyncio.wait_for(self.ws.recv(), self.timeout))
        self.frames.append(frame)
        return frame

    async def request(self, method, params=None):
        self.next_id += 1
        rid = f"r{self.next_id}"
        await self.ws.send(json.dumps({"type": "req", "id": rid, "method": method, "params": params or {}}))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            frame = await self.recv()
            if frame.get("type") == "res" and frame.get("id") == rid:
                return frame
        raise TimeoutError(f"no response to {method}")

    async def until(self, predicate, what):
        """Reads frames until one matches (frames read earlier count too)."""
        for frame in self.frames:
            if predicate(frame):
                return frame
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            frame = await self.recv()
            if predicate(frame):
                return frame
        raise TimeoutError(f"no {what}")

    def events(self, name, **match):
        return [f["payload"] for f in self.frames if f.get("type") == "event" and f.get("event") == name
                and all(f["payload"].get(k) == v for k, v in match.items())]


class Checks:
    def __init__(self):
        self.passed, self.failed = 0, 0

    def check(self, name, condition, why=""):
        if condition:
            self.passed += 1
            print(f"ok {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {name}: {why}", flush=True)
        return condition


async def open_connection(url, timeout):
    ws = await websockets.connect(url, max_size=None, open_timeout=timeout)
    conn = Connection(ws, timeout)
    challenge = await conn.recv()
    return conn, challenge


def client_info(client_id, mode):
    return {"id": client_id, "version": "2026.7.1", "platform": "MacIntel", "mode": mode, "instanceId": str(uuid.uuid4())}


async def chat(conn, checks, label, protocol):
    """Sends a message and checks the streamed run, as the chat tab sees it."""
    run_id = str(uuid.uuid4())
    ack = await conn.request("chat.send", {"sessionKey": "main", "message": "Tell me a short story.",
                                           "deliver": False, "idempotencyKey": run_id})
    checks.check(f"{label}: chat.send acknowledged", ack.get("ok") and ack["payload"].get("runId") == run_id, ack)
    final = await conn.until(lambda f: f.get("event") == "chat" and f["payload"].get("runId") == run_id
                             and f["payload"].get("state") in ("final", "error", "aborted"), "terminal chat event")
    deltas = conn.events("chat", runId=run_id, state="delta")
    checks.check(f"{label}: run ends in final", final["payload"]["state"] == "final", final["payload"])
    checks.check(f"{label}: deltas streamed", len(deltas) >= 2, f"{len(deltas)} deltas")
    if protocol == 4:
        checks.check(f"{label}: every v4 delta carries deltaText", all(isinstance(d.get("deltaText"), str) for d in deltas))
    text = "".join(d.get("deltaText", "") for d in deltas)
    final_text = final["payload"]["message"]["content"][0]["text"]
    checks.check(f"{label}: the deltas add up to the final text", text == final_text, f"{text!r} != {final_text!r}")
    ends = [i for i, f in enumerate(conn.frames) if f.get("event") == "agent" and f["payload"].get("runId") == run_id
            and f["payload"].get("stream") == "lifecycle" and f["payload"]["data"].get("phase") == "end"]
    final_index = conn.frames.index(final)
    checks.check(f"{label}: lifecycle end before chat final", ends and ends[0] < final_index)
    return run_id, final_text


async def v4(args, checks):
    device = Device()
    conn, challenge = await open_connection(args.url, args.timeout)
    nonce = challenge["payload"]["nonce"]
    client = client_info("openclaw-control-ui", "webchat")
    params = {"minProtocol": 4, "maxProtocol": 4, "client": client, "role": "operator", "scopes": SCOPES,
              "caps": ["tool-events"], "auth": {"token": args.token},
              "device": device.block(client_id=client["id"], mode=client["mode"], role="operator", scopes=SCOPES,
                                     token=args.token, nonce=nonce)}
    hello = await conn.request("connect", params)
    ok = checks.check("v4: connect with a signed device identity", hello.get("ok"), hello.get("error"))
    if not ok:
        return
    payload = hello["payload"]
    auth = payload.get("auth", {})
    checks.check("v4: protocol 4 negotiated", payload.get("protocol") == 4, payload.get("protocol"))
    checks.check("v4: hello-ok.auth has role and scopes", auth.get("role") == "operator" and set(auth.get("scopes", [])) == set(SCOPES), auth)
    token = auth.get("deviceToken")
    checks.check("v4: a device token is issued", isinstance(token, str) and len(token) > 20, auth)
    methods = set(payload["features"]["methods"])
    for method in ("sessions.subscribe", "sessions.messages.subscribe", "chat.history", "models.list", "commands.list"):
        checks.check(f"v4: hello-ok advertises {method}", method in methods)

    # What the UI calls on every hello and on the chat tab.
    sub = await conn.request("sessions.subscribe", {})
    checks.check("v4: sessions.subscribe", sub.get("ok") and sub["payload"] == {"subscribed": True}, sub)
    msub = await conn.request("sessions.messages.subscribe", {"key": "main"})
    key = (msub.get("payload") or {}).get("key")
    checks.check("v4: sessions.messages.subscribe canonicalises the key", msub.get("ok") and key == "agent:main:main", msub)
    history = await conn.request("chat.history", {"sessionKey": key, "agentId": "main", "limit": 100, "maxChars": 4000})
    checks.check("v4: chat.history with agentId and maxChars", history.get("ok"), history.get("error"))
    models = await conn.request("models.list", {"view": "configured"})
    checks.check("v4: models.list view=configured", models.get("ok") and len(models["payload"]["models"]) == 1, models)
    commands = await conn.request("commands.list", {"agentId": "main", "includeArgs": True, "scope": "text"})
    checks.check("v4: commands.list", commands.get("ok") and any(c["name"] == "new" for c in commands["payload"]["commands"]), commands)
    for method in ("models.authStatus", "channels.status", "system-presence", "logs.tail"):
        answer = await conn.request(method, {})
        checks.check(f"v4: {method}", answer.get("ok"), answer.get("error"))

    run_id, final_text = await chat(conn, checks, "v4", 4)
    await conn.until(lambda f: f.get("event") == "session.message" and f["payload"]["message"]["role"] == "assistant",
                     "session.message for the reply")
    messages = conn.events("session.message", sessionKey=key)
    roles = [m["message"]["role"] for m in messages]
    checks.check("v4: session.message for the question and the reply", roles[:2] == ["user", "assistant"], roles)
    checks.check("v4: session.message carries the reply text",
                 messages[-1]["message"]["content"][0]["text"] == final_text if messages else False)
    changed = conn.events("sessions.changed", sessionKey=key)
    checks.check("v4: sessions.changed for the session", any(c.get("reason") == "message" for c in changed), changed)
    wait = await conn.request("agent.wait", {"runId": run_id, "timeoutMs": 1000})
    checks.check("v4: agent.wait on the finished run", wait.get("ok") and wait["payload"]["status"] == "ok", wait)
    await conn.ws.close()

    # Reconnect with the device token in place of the shared token, as the Control UI does.
    conn, challenge = await open_connection(args.url, args.timeout)
    nonce = challenge["payload"]["nonce"]
    params["auth"] = {"token": token}
    params["client"] = client_info("openclaw-control-ui", "webchat")
    params["device"] = device.block(client_id="openclaw-control-ui", mode="webchat", role="operator", scopes=SCOPES,
                                    token=token, nonce=nonce)
    again = await conn.request("connect", params)
    checks.check("v4: reconnect with the device token", again.get("ok"), again.get("error"))
    if again.get("ok"):
        checks.check("v4: no new token on a device-token connect", "deviceToken" not in again["payload"]["auth"], again["payload"]["auth"])
    await conn.ws.close()

    # A replayed signature (the previous connection's nonce) is refused with a typed error and 1008.
    conn, challenge = await open_connection(args.url, args.timeout)
    refused = await conn.request("connect", params)
    code = ((refused.get("error") or {}).get("details") or {}).get("code")
    checks.check("v4: a replayed nonce is refused", not refused.get("ok") and code == "DEVICE_AUTH_NONCE_MISMATCH", refused)
    try:
        await asyncio.wait_for(conn.ws.wait_closed(), args.timeout)
    finally:
        checks.check("v4: closed with 1008 after the refusal", conn.ws.close_code == 1008, conn.ws.close_code)


async def v3(args, checks):
    conn, _ = await open_connection(args.url, args.timeout)
    hello = await conn.request("connect", {"minProtocol": 3, "maxProtocol": 3, "client": client_info("cli", "cli"),
                                           "scopes": ["operator.write"], "auth": {"token": args.token}})
    if not checks.check("v3: connect", hello.get("ok"), hello.get("error")):
        return
    checks.check("v3: protocol 3 negotiated", hello["payload"]["protocol"] == 3)
    checks.check("v3: no auth block without a device token", "auth" not in hello["payload"], hello["payload"].get("auth"))
    await chat(conn, checks, "v3", 3)
    checks.check("v3: no subscription events unasked", not conn.events("session.message") and not conn.events("sessions.changed"))
    await conn.ws.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("client", choices=["v4", "v3"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    checks = Checks()
    try:
        await (v4 if args.client == "v4" else v3)(args, checks)
    except Exception as error:  # a timeout or a dropped connection is a failed check, reported, not a crash
        checks.check("client ran to the end", False, f"{type(error).__name__}: {error}")
    print(f"{checks.passed} passed, {checks.failed} failed", flush=True)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
