"""A mock OpenClaw gateway for your own tests: it answers every method with the first example of
the spec (examples.json, written by rpcgen next to this file), rejects the spec's invalid example
params with their error codes, and does the handshake (challenge, version negotiation, optional
token check). On `websockets`' asyncio server.

    from kubeclaw_client.mock_gateway import start_mock_gateway

    async with await start_mock_gateway(token="t") as mock:   # mock.url: ws://127.0.0.1:PORT
        await mock.emit("tick", {"ts": 1})                      # an event to every client
        ...

Or from a shell: python -m kubeclaw_client.mock_gateway [--port 18789] [--token T]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

__all__ = ["MockGateway", "load_examples", "start_mock_gateway"]

EXAMPLES = Path(__file__).with_name("examples.json")


def load_examples(path: Path = EXAMPLES) -> Dict[str, Any]:
    """The spec's examples as rpcgen renders them (`examples.json` beside this file)."""
    examples: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return examples


def _canonical(value: Any) -> str:
    """JSON with sorted keys, to compare params with the spec's examples."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


class _Connection:
    def __init__(self, socket: ServerConnection) -> None:
        self.socket = socket
        self.protocol: Optional[int] = None
        self.seq = 0

    async def send(self, frame: Dict[str, Any]) -> None:
        try:
            await self.socket.send(json.dumps(frame))
        except ConnectionClosed:
            pass

    async def event(self, event: str, payload: Any, seq: Optional[int], sequenced: bool) -> None:
        frame: Dict[str, Any] = {"type": "event", "event": event, "payload": payload}
        if sequenced:
            self.seq = seq if seq is not None else self.seq + 1
            frame["seq"] = self.seq
        await self.send(frame)


class MockGateway:
    """A running mock gateway (`start_mock_gateway`); an async context manager that closes it."""

    def __init__(self, examples: Dict[str, Any], token: Optional[str]) -> None:
        self.examples = examples
        self.token = token
        self.url = ""
        self.port = 0
        self.cancelled: List[str] = []
        """Ids of the requests clients cancelled (`{"type":"cancel","id":…}` frames received)."""
        self.requests: List[Dict[str, Any]] = []
        """Every request frame received, in order."""
        self._connections: Set[_Connection] = set()
        self._server: Optional[Server] = None

    async def emit(self, event: str, payload: Any, seq: Optional[int] = None, *, sequenced: bool = True) -> None:
        """Sends an event to every connected client; `seq` overrides the next sequence number,
        `sequenced=False` sends it without one (as `connect.challenge`)."""
        for connection in list(self._connections):
            if connection.protocol is not None:
                await connection.event(event, payload, seq, sequenced)

    async def close(self) -> None:
        """Closes every connection (code 1012, as a restarting gateway) and the server."""
        for connection in list(self._connections):
            await connection.socket.close(1012, "mock gateway closing")
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> "MockGateway":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def _serve(self, socket: ServerConnection) -> None:
        connection = _Connection(socket)
        self._connections.add(connection)
        try:
            await connection.event("connect.challenge", {"nonce": str(uuid.uuid4()), "ts": int(time.time() * 1000)}, None, False)
            async for text in socket:
                await self._message(connection, text)
        except ConnectionClosed:
            pass
        finally:
            self._connections.discard(connection)

    async def _reply(self, connection: _Connection, request_id: Any, payload: Any) -> None:
        await connection.send({"type": "res", "id": request_id, "ok": True, "payload": payload})

    async def _fail(self, connection: _Connection, request_id: Any, code: str, message: str,
                    details: Optional[Dict[str, Any]] = None) -> None:
        error: Dict[str, Any] = {"code": code, "message": message}
        if details:
            error["details"] = details
        await connection.send({"type": "res", "id": request_id, "ok": False, "error": error})

    async def _handshake(self, connection: _Connection, frame: Dict[str, Any]) -> None:
        given = frame.get("params")
        params: Dict[str, Any] = given if isinstance(given, dict) else {}
        versions: List[int] = self.examples["protocols"]
        low, high = params.get("minProtocol"), params.get("maxProtocol")
        offered = [v for v in versions if isinstance(low, int) and isinstance(high, int) and low <= v <= high]
        if frame.get("method") != "connect":
            await self._fail(connection, frame["id"], "INVALID_REQUEST", "invalid handshake: first request must be connect")
            await connection.socket.close(1008, "invalid handshake")
            return
        if not offered:
            await self._fail(connection, frame["id"], "INVALID_REQUEST", "protocol mismatch", {
                "code": "PROTOCOL_MISMATCH", "clientMinProtocol": low, "clientMaxProtocol": high,
                "expectedProtocol": max(versions), "supportedProtocols": versions,
            })
            await connection.socket.close(1002, "protocol mismatch")
            return
        given_auth = params.get("auth")
        auth: Dict[str, Any] = given_auth if isinstance(given_auth, dict) else {}
        if self.token is not None and auth.get("token") != self.token:
            await self._fail(connection, frame["id"], "INVALID_REQUEST", "unauthorized: gateway token mismatch",
                             {"code": "AUTH_TOKEN_MISMATCH"})
            await connection.socket.close(1008, "unauthorized")
            return
        connection.protocol = max(offered)
        hello = copy.deepcopy(self.examples["methods"].get("connect", {}).get("result", {"type": "hello-ok"}))
        hello["protocol"] = connection.protocol
        await self._reply(connection, frame["id"], hello)

    async def _message(self, connection: _Connection, text: Any) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            await connection.socket.close(1008, "invalid JSON")
            return
        if not isinstance(frame, dict):
            await connection.socket.close(1008, "invalid frame")
            return
        if frame.get("type") == "cancel":
            self.cancelled.append(str(frame.get("id")))
            return
        if frame.get("type") != "req" or not isinstance(frame.get("id"), str) or not isinstance(frame.get("method"), str):
            await self._fail(connection, frame.get("id", ""), "INVALID_REQUEST", "invalid request frame")
            return
        self.requests.append(frame)
        if connection.protocol is None:
            await self._handshake(connection, frame)
            return
        name = frame["method"]
        if name == "connect":
            await self._fail(connection, frame["id"], "INVALID_REQUEST", "connect is only valid as the first request")
            return
        method = self.examples["methods"].get(name)
        if method is None:
            await self._fail(connection, frame["id"], "INVALID_REQUEST", f"unknown method: {name}")
            return
        params = _canonical(frame.get("params", {}))
        invalid = next((example for example in method["invalid"] if _canonical(example["params"]) == params), None)
        if invalid is not None:
            await self._fail(connection, frame["id"], invalid["error"], f"invalid {name} params (spec example)")
        elif "result" not in method:
            await self._fail(connection, frame["id"], "UNAVAILABLE", f"{name}: the spec has no example")
        else:
            await self._reply(connection, frame["id"], method["result"])


async def start_mock_gateway(host: str = "127.0.0.1", port: int = 0, token: Optional[str] = None,
                             examples: Optional[Dict[str, Any]] = None) -> MockGateway:
    """Starts a mock gateway on `host:port` (port 0: any free port). With `token`, `auth.token`
    must match. `examples`: default examples.json."""
    mock = MockGateway(examples if examples is not None else load_examples(), token)
    mock._server = await serve(mock._serve, host, port)
    mock.port = mock._server.sockets[0].getsockname()[1] if mock._server.sockets else port
    mock.url = f"ws://{host}:{mock.port}"
    return mock


async def _main() -> None:
    parser = argparse.ArgumentParser(description="A mock OpenClaw gateway serving the spec's examples.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token")
    args = parser.parse_args()
    mock = await start_mock_gateway(args.host, args.port, args.token)
    print(f"mock gateway listening on {mock.url}", flush=True)
    try:
        await asyncio.Future()
    finally:
        await mock.close()


if __name__ == "__main__":
    try:
        asyncio.run(_main())
    except KeyboardInterrupt:
        pass
