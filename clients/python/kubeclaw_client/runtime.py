"""The hand-written transport under the generated client (client.py): one WebSocket to an
OpenClaw-compatible gateway on `websockets` (asyncio), the handshake (`connect.challenge`, then
`connect` with an optional signed Ed25519 device identity), requests with timeouts and the
protocol's `cancel` frame, events (handlers, `wait_for`, async iterators) with per-connection
`seq` gap detection, and reconnects with jittered exponential backoff.

Needs Python 3.11+ and `websockets`; `cryptography` only for a device identity.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import inspect
import itertools
import json
import logging
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Set, Tuple

from websockets.asyncio.client import ClientConnection, connect as _ws_connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

__all__ = [
    "ClientOptions",
    "DeviceIdentity",
    "EventStream",
    "GatewayClient",
    "GatewayConnectionError",
    "GatewayError",
    "GatewayEvent",
    "GatewayTimeoutError",
    "LOCAL_EVENTS",
    "ProtocolInfo",
]

CLIENT_VERSION = "0.1.0"
"""`client.version` sent in `connect` unless `ClientOptions.client` says otherwise."""

LOCAL_EVENTS = frozenset({"open", "close", "reconnecting", "gap"})
"""Events the client emits itself (a gateway never sends them): `open` (hello-ok, also after a
reconnect), `close` ({code, reason, reconnecting, error?}), `reconnecting` ({attempt, delay}) and
`gap` ({expected, received}: the event `seq` jumped, events were lost on this connection)."""

logger = logging.getLogger("kubeclaw_client")


class ProtocolInfo(NamedTuple):
    """What a generated client was made from (`client.PROTOCOL`)."""

    min: int
    """Lowest protocol version it speaks."""
    max: int
    """Highest protocol version it speaks."""
    versions: Tuple[int, ...]
    upstream: Optional[str]
    """The OpenClaw release whose published schema the spec tracks."""
    fingerprint: str
    """Names the spec revision: changes with any type or example."""


# --- errors ----------------------------------------------------------------------------------


class GatewayError(Exception):
    """A failed request: the gateway's `error` object, or a local failure (the subclasses)."""

    def __init__(self, error: Optional[Dict[str, Any]] = None, method: Optional[str] = None) -> None:
        error = error or {}
        self.code: str = error.get("code") or "UNAVAILABLE"
        """`error.code`: INVALID_REQUEST, UNAVAILABLE, …; TIMEOUT and CONNECTION_LOST for local failures."""
        self.message: str = error.get("message") or self.code
        self.details: Any = error.get("details")
        self.retryable: bool = error.get("retryable") is True
        self.retry_after_ms: Optional[int] = error.get("retryAfterMs")
        self.method = method
        """The method of the request that failed."""
        super().__init__(f"{self.code}: {self.message}")

    @property
    def detail_code(self) -> Optional[str]:
        """`details.code`, when the gateway said exactly what went wrong (AUTH_TOKEN_MISMATCH, …)."""
        return self.details.get("code") if isinstance(self.details, dict) else None


class GatewayTimeoutError(GatewayError):
    """No response within the request's timeout; the request was cancelled with a `cancel` frame."""

    def __init__(self, method: str, timeout: float) -> None:
        super().__init__({"code": "TIMEOUT", "message": f"{method}: no response within {timeout:g} s", "retryable": True}, method)
        self.timeout = timeout


class GatewayConnectionError(GatewayError):
    """The connection is not open, or closed before the response came."""

    def __init__(self, method: Optional[str], message: str, close_code: Optional[int] = None, close_reason: Optional[str] = None) -> None:
        super().__init__({"code": "CONNECTION_LOST", "message": message, "retryable": True}, method)
        self.close_code = close_code
        self.close_reason = close_reason


# --- device identity -------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _normalized(value: Optional[str]) -> str:
    """Trimmed, ASCII A–Z lower-cased only (how the v3 payload carries platform and family)."""
    text = (value or "").strip()
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


class DeviceIdentity:
    """An Ed25519 device identity as OpenClaw's clients keep one: `id` is the hex SHA-256 of the
    raw public key, `connect.params.device` is signed over the v3 payload
    (`v3|id|client.id|client.mode|role|scopes|signedAt|token|nonce|platform|deviceFamily`).
    Keep `private_bytes()` to be the same device next time. Needs `cryptography`."""

    def __init__(self, private_key: Any) -> None:
        from cryptography.hazmat.primitives import serialization

        self._key = private_key
        raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key = _b64url(raw)
        """The raw 32-byte public key, base64url."""
        self.id = hashlib.sha256(raw).hexdigest()

    @classmethod
    def generate(cls) -> "DeviceIdentity":
        """A new random identity."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> "DeviceIdentity":
        """The identity of a stored 32-byte private key."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    def private_bytes(self) -> bytes:
        """The raw 32-byte private key (store it securely)."""
        from cryptography.hazmat.primitives import serialization

        raw: bytes = self._key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        return raw

    def sign(self, *, client: Dict[str, Any], role: str, scopes: Sequence[str], token: str, nonce: str,
             signed_at_ms: Optional[int] = None) -> Dict[str, Any]:
        """The `device` block of `connect`, signed for this connection's challenge `nonce`."""
        signed_at = signed_at_ms if signed_at_ms is not None else int(time.time() * 1000)
        payload = "|".join([
            "v3", self.id, str(client.get("id", "")), str(client.get("mode", "")), role, ",".join(scopes), str(signed_at),
            token, nonce, _normalized(client.get("platform")), _normalized(client.get("deviceFamily")),
        ])
        signature = self._key.sign(payload.encode("utf-8"))
        return {"id": self.id, "publicKey": self.public_key, "signature": _b64url(signature), "signedAt": signed_at, "nonce": nonce}


# --- options ---------------------------------------------------------------------------------


@dataclass
class ClientOptions:
    """Everything a `GatewayClient` is configured with; `GatewayClient(url, **fields)` sets them."""

    url: str
    """`ws://host:port` or `wss://…`."""
    token: Optional[str] = None
    """The gateway's shared token (`auth.token`)."""
    password: Optional[str] = None
    """The gateway's password (`auth.password`), when it is configured for passwords (token wins)."""
    min_protocol: int = 3
    """Lowest protocol version offered."""
    max_protocol: int = 4
    """Highest protocol version offered."""
    device: Optional[DeviceIdentity] = None
    """A device identity to sign `connect` with (today's official clients do); the gateway may
    issue a device token for it (`GatewayClient.device_token`)."""
    device_token: Optional[str] = None
    """A device token issued earlier to `device` (`auth.deviceToken`)."""
    request_timeout: float = 30.0
    """Seconds a request may take (unless the call says otherwise); then it is cancelled."""
    connect_timeout: float = 10.0
    """Seconds allowed for opening the socket and the handshake."""
    challenge_timeout: float = 0.75
    """Seconds to wait for `connect.challenge` before connecting without it."""
    client: Dict[str, Any] = field(default_factory=dict)
    """`client` of `connect`, over the defaults: id `gateway-client`, mode `backend`, this platform, version 0.1.0."""
    role: str = "operator"
    scopes: Sequence[str] = ("operator.read", "operator.write")
    """`operator.admin` too for sessions.patch, sessions.delete, sessions.reset and chat.inject."""
    caps: Optional[Sequence[str]] = None
    reconnect: bool = True
    """Reconnect after an established connection is lost, with jittered exponential backoff."""
    reconnect_initial_delay: float = 0.25
    """First backoff ceiling in seconds (each delay is random in [ceiling/2, ceiling])."""
    reconnect_max_delay: float = 10.0
    """Largest backoff ceiling in seconds."""
    max_message_size: Optional[int] = 16 * 1024 * 1024
    """Largest message accepted from the gateway, in bytes (None: no limit)."""
    on_frame: Optional[Callable[[str, Dict[str, Any]], None]] = None
    """Called with ("sent" | "received", frame) for every frame: a trace hook for debugging."""


# --- events ----------------------------------------------------------------------------------


class GatewayEvent(NamedTuple):
    """One event as an `EventStream` yields it."""

    event: str
    payload: Any
    seq: Optional[int] = None
    """Per-connection sequence number of broadcast events (None for local and unsequenced ones)."""
    frame: Optional[Dict[str, Any]] = None
    """The whole event frame (None for local events)."""


_END = object()


class EventStream:
    """Events of some names (all, when none are given) as an async iterator, from the moment the
    stream was made until `close()` or the client's `close()`:

        async with client.events(Events.CHAT) as stream:
            await client.chat_send(...)
            async for event in stream: ...

    At most `max_queue` events wait; past that the oldest is dropped and counted in `dropped`."""

    def __init__(self, client: "GatewayClient", names: Sequence[str], max_queue: int) -> None:
        self._client = client
        self.names = frozenset(names)
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._max_queue = max_queue
        self.dropped = 0
        self.closed = False

    def _offer(self, event: GatewayEvent) -> None:
        if self.closed or (self.names and event.event not in self.names):
            return
        if self._queue.qsize() >= self._max_queue:
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(event)

    def close(self) -> None:
        """Stops the stream; iteration ends after the events already queued."""
        if self.closed:
            return
        self.closed = True
        self._client._streams.discard(self)
        self._queue.put_nowait(_END)

    async def next(self, timeout: Optional[float] = None) -> GatewayEvent:
        """The next event; `GatewayTimeoutError` after `timeout` seconds, StopAsyncIteration when closed."""
        try:
            event: GatewayEvent = await asyncio.wait_for(self.__anext__(), timeout)
            return event
        except TimeoutError:
            raise GatewayTimeoutError(f"events({', '.join(sorted(self.names)) or '*'})", timeout or 0) from None

    def __aiter__(self) -> "EventStream":
        return self

    async def __anext__(self) -> GatewayEvent:
        item = await self._queue.get()
        if not isinstance(item, GatewayEvent):  # the end marker: stays queued for later readers
            self._queue.put_nowait(_END)
            raise StopAsyncIteration
        return item

    async def __aenter__(self) -> "EventStream":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


# --- the client ------------------------------------------------------------------------------


@dataclass
class _Pending:
    method: str
    future: "asyncio.Future[Any]"
    connection: ClientConnection


class GatewayClient:
    """One logical connection to a gateway. `start()` connects and does the handshake; if the
    connection is lost later it reconnects by itself (unless `reconnect=False`) until `close()`.
    Also an async context manager (`async with KubeclawClient(url, token=…) as client:`)."""

    def __init__(self, url: str, **options: Any) -> None:
        self.options = ClientOptions(url=url, **options)
        self.state = "idle"
        """`idle` → `connecting` → `open` ⇄ `reconnecting` → `closed`."""
        self.hello: Optional[Dict[str, Any]] = None
        """The gateway's `hello-ok` of the current connection."""
        self.device_token: Optional[str] = None
        """The device token the gateway issued to `options.device` (hello-ok.auth.deviceToken), if any."""
        self.gaps: List[Dict[str, int]] = []
        """Every `seq` gap seen ({expected, received}), also emitted as the `gap` event."""
        self._socket: Optional[ClientConnection] = None
        self._open_socket: Optional[ClientConnection] = None
        self._pending: Dict[str, _Pending] = {}
        self._ids = itertools.count(1)
        self._handlers: Dict[str, List[Callable[[Any], Any]]] = {}
        self._streams: Set[EventStream] = set()
        self._tasks: Set["asyncio.Task[Any]"] = set()
        self._last_seq: Optional[int] = None
        self._attempt = 0
        self._challenge: Optional["asyncio.Future[Any]"] = None
        self._reconnector: Optional["asyncio.Task[None]"] = None

    @property
    def protocol(self) -> Optional[int]:
        """The negotiated protocol version, once connected."""
        return self.hello.get("protocol") if self.hello else None

    async def __aenter__(self) -> "GatewayClient":
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def start(self) -> Dict[str, Any]:
        """Connects and completes the handshake; returns `hello-ok`. A first failure raises."""
        if self.state != "idle":
            raise RuntimeError(f"GatewayClient: start() in state {self.state}")
        self.state = "connecting"
        try:
            return await self._connect()
        except BaseException:
            self.state = "closed"
            raise

    async def close(self) -> None:
        """Closes the connection and stops reconnecting; pending requests fail, event streams end."""
        if self.state == "closed":
            return
        self.state = "closed"
        if self._reconnector is not None:
            self._reconnector.cancel()
        socket, self._socket, self._open_socket = self._socket, None, None
        self._fail_pending(None, "client closed", 1000, "")
        if socket is not None:
            await socket.close(1000, "client closed")
        self._emit("close", {"code": 1000, "reason": "client closed", "reconnecting": False})
        for stream in list(self._streams):
            stream.close()

    async def request(self, method: str, params: Any = None, *, timeout: Optional[float] = None) -> Any:
        """Sends a request; returns the response's `payload` or raises `GatewayError`. After
        `timeout` seconds (default `request_timeout`) the request is cancelled on the gateway
        (`{"type":"cancel","id":…}`) and fails with `GatewayTimeoutError`."""
        socket = self._open_socket
        if self.state != "open" or socket is None:
            raise GatewayConnectionError(method, f"{method}: not connected ({self.state})")
        return await self._call(socket, method, params, self.options.request_timeout if timeout is None else timeout)

    def on(self, event: str, handler: Callable[[Any], Any]) -> Callable[[], None]:
        """Calls `handler(payload)` for each event named `event` (a coroutine function's calls run
        as tasks); returns a function that unsubscribes."""
        handlers = self._handlers.setdefault(event, [])
        handlers.append(handler)

        def off() -> None:
            if handler in handlers:
                handlers.remove(handler)

        return off

    def wait_for(self, event: str, predicate: Optional[Callable[[Any], bool]] = None,
                 timeout: Optional[float] = None) -> "asyncio.Future[Any]":
        """A future of the payload of the next `event` that satisfies `predicate`, listening from
        this call on (make it before the request that causes the event, await it after); fails
        with `GatewayTimeoutError` after `timeout` seconds (default `request_timeout`)."""
        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Any]" = loop.create_future()
        seconds = self.options.request_timeout if timeout is None else timeout

        def handler(payload: Any) -> None:
            if future.done():
                return
            try:
                if predicate is None or predicate(payload):
                    future.set_result(payload)
            except Exception as error:  # a failing predicate fails the wait, visibly
                future.set_exception(error)

        def expire() -> None:
            if not future.done():
                future.set_exception(GatewayTimeoutError(f"wait_for({event})", seconds))

        off = self.on(event, handler)
        timer = loop.call_later(seconds, expire)

        def done(_: "asyncio.Future[Any]") -> None:
            off()
            timer.cancel()

        future.add_done_callback(done)
        return future

    def events(self, *names: str, max_queue: int = 10_000) -> EventStream:
        """An async iterator of the events named `names` (every event when none), local ones included."""
        stream = EventStream(self, names, max_queue)
        self._streams.add(stream)
        return stream

    # --- connection --------------------------------------------------------------------------

    async def _connect(self) -> Dict[str, Any]:
        options = self.options
        try:
            socket = await _ws_connect(options.url, open_timeout=options.connect_timeout, max_size=options.max_message_size)
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as error:
            raise GatewayConnectionError("connect", f"cannot connect to {options.url}: {error}") from error
        loop = asyncio.get_running_loop()
        self._socket = socket
        self._last_seq = None
        self._challenge = loop.create_future()
        reader = asyncio.create_task(self._read(socket))
        self._tasks.add(reader)
        reader.add_done_callback(self._tasks.discard)
        try:
            async with asyncio.timeout(options.connect_timeout):
                try:
                    challenge = await asyncio.wait_for(asyncio.shield(self._challenge), options.challenge_timeout)
                except TimeoutError:
                    challenge = None
                hello = await self._call(socket, "connect", self._connect_params(challenge), options.connect_timeout)
        except BaseException as error:
            if self._socket is socket:
                self._socket = None
            await socket.close(4008, "connect failed")
            if isinstance(error, TimeoutError):
                raise GatewayConnectionError("connect", "handshake timed out") from None
            raise
        if self.state == "closed":  # close() while the handshake ran
            await socket.close(1000, "client closed")
            raise GatewayConnectionError("connect", "client closed")
        self.hello = hello if isinstance(hello, dict) else {}
        auth = self.hello.get("auth")
        if isinstance(auth, dict) and isinstance(auth.get("deviceToken"), str):
            self.device_token = auth["deviceToken"]
        self._open_socket = socket
        self.state = "open"
        self._attempt = 0
        self._emit("open", self.hello)
        return self.hello

    def _connect_params(self, challenge: Any) -> Dict[str, Any]:
        options = self.options
        client = {"id": "gateway-client", "version": CLIENT_VERSION, "platform": sys.platform, "mode": "backend", **options.client}
        params: Dict[str, Any] = {
            "minProtocol": options.min_protocol,
            "maxProtocol": options.max_protocol,
            "client": client,
            "role": options.role,
            "scopes": list(options.scopes),
        }
        auth: Dict[str, Any] = {}
        if options.token is not None:
            auth["token"] = options.token
        elif options.password is not None:
            auth["password"] = options.password
        if options.device_token is not None:
            auth["deviceToken"] = options.device_token
        if auth:
            params["auth"] = auth
        if options.caps:
            params["caps"] = list(options.caps)
        if options.device is not None:
            nonce = challenge.get("nonce") if isinstance(challenge, dict) else None
            token = auth.get("token") or auth.get("deviceToken") or ""
            params["device"] = options.device.sign(
                client=client, role=options.role, scopes=list(options.scopes), token=token, nonce=nonce if isinstance(nonce, str) else "")
        return params

    async def _reconnect(self) -> None:
        """Tries again with jittered exponential backoff until connected, closed or refused."""
        options = self.options
        while self.state == "reconnecting":
            attempt = self._attempt
            self._attempt += 1
            ceiling = min(options.reconnect_max_delay, options.reconnect_initial_delay * 2**attempt)
            delay = ceiling / 2 + random.random() * ceiling / 2
            self._emit("reconnecting", {"attempt": attempt + 1, "delay": delay})
            await asyncio.sleep(delay)
            if self.state != "reconnecting":
                return
            try:
                await self._connect()
                return
            except GatewayConnectionError:
                continue
            except GatewayError as error:
                if error.retryable:
                    continue
                # Refused credentials or versions do not get better by retrying.
                self.state = "closed"
                self._emit("close", {"code": 1008, "reason": str(error), "reconnecting": False, "error": error})
                for stream in list(self._streams):
                    stream.close()
                return
            except Exception:  # anything unexpected: log it and keep trying
                logger.exception("kubeclaw_client: reconnect attempt %d failed", attempt + 1)

    def _connection_lost(self, socket: ClientConnection) -> None:
        code = socket.close_code if socket.close_code is not None else 1006
        reason = socket.close_reason or ""
        self._fail_pending(socket, f"connection closed ({code}{': ' + reason if reason else ''})", code, reason)
        if self._socket is socket:
            self._socket = None
        if self._open_socket is not socket:
            return  # a handshake that failed: _connect reports it
        self._open_socket = None
        if self.state == "closed":
            return
        reconnecting = self.options.reconnect
        self._emit("close", {"code": code, "reason": reason, "reconnecting": reconnecting})
        if reconnecting:
            self.state = "reconnecting"
            self._reconnector = asyncio.get_running_loop().create_task(self._reconnect())
        else:
            self.state = "closed"
            for stream in list(self._streams):
                stream.close()

    # --- frames ------------------------------------------------------------------------------

    async def _send(self, socket: ClientConnection, frame: Dict[str, Any]) -> None:
        if self.options.on_frame is not None:
            self.options.on_frame("sent", frame)
        await socket.send(json.dumps(frame))

    async def _call(self, socket: ClientConnection, method: str, params: Any, timeout: float) -> Any:
        request_id = str(next(self._ids))
        future: "asyncio.Future[Any]" = asyncio.get_running_loop().create_future()
        self._pending[request_id] = _Pending(method, future, socket)
        frame: Dict[str, Any] = {"type": "req", "id": request_id, "method": method}
        if params is not None:
            frame["params"] = params
        try:
            await self._send(socket, frame)
        except ConnectionClosed as error:
            self._pending.pop(request_id, None)
            raise GatewayConnectionError(method, f"{method}: send failed: connection closed", error.rcvd.code if error.rcvd else None) from None
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            if self._pending.pop(request_id, None) is None and future.done() and not future.cancelled():
                return future.result()
            await self._cancel(socket, request_id)
            raise GatewayTimeoutError(method, timeout) from None
        except asyncio.CancelledError:
            # The caller gave up: the gateway may stop the work too.
            if self._pending.pop(request_id, None) is not None:
                task = asyncio.get_running_loop().create_task(self._cancel(socket, request_id))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            raise

    async def _cancel(self, socket: ClientConnection, request_id: str) -> None:
        try:
            await self._send(socket, {"type": "cancel", "id": request_id})
        except ConnectionClosed:
            pass

    async def _read(self, socket: ClientConnection) -> None:
        try:
            async for message in socket:
                try:
                    frame = json.loads(message)
                except ValueError:
                    continue
                if isinstance(frame, dict):
                    self._receive(frame)
        except ConnectionClosed:
            pass
        except Exception:
            logger.exception("kubeclaw_client: reading from the gateway failed")
            await socket.close(1011, "client read failure")
        finally:
            self._connection_lost(socket)

    def _receive(self, frame: Dict[str, Any]) -> None:
        if self.options.on_frame is not None:
            self.options.on_frame("received", frame)
        kind = frame.get("type")
        if kind == "res":
            pending = self._pending.pop(str(frame.get("id")), None)
            if pending is None or pending.future.done():
                return
            if frame.get("ok"):
                pending.future.set_result(frame.get("payload"))
            else:
                error = frame.get("error")
                pending.future.set_exception(GatewayError(error if isinstance(error, dict) else {}, pending.method))
        elif kind == "event" and isinstance(frame.get("event"), str):
            name = frame["event"]
            if name == "connect.challenge" and self._challenge is not None and not self._challenge.done():
                self._challenge.set_result(frame.get("payload"))
            seq = frame.get("seq")
            if isinstance(seq, int) and not isinstance(seq, bool):
                if self._last_seq is not None and seq > self._last_seq + 1:
                    gap = {"expected": self._last_seq + 1, "received": seq}
                    self.gaps.append(gap)
                    self._emit("gap", gap)
                self._last_seq = seq
            else:
                seq = None
            if name not in LOCAL_EVENTS:
                self._emit(name, frame.get("payload"), seq, frame)

    def _emit(self, event: str, payload: Any, seq: Optional[int] = None, frame: Optional[Dict[str, Any]] = None) -> None:
        for handler in list(self._handlers.get(event, ())):
            try:
                result = handler(payload)
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    self._tasks.add(task)
                    task.add_done_callback(self._handler_done)
            except Exception:
                logger.exception("kubeclaw_client: a handler of %r failed", event)
        if self._streams:
            item = GatewayEvent(event, payload, seq, frame)
            for stream in list(self._streams):
                stream._offer(item)

    def _handler_done(self, task: "asyncio.Task[Any]") -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("kubeclaw_client: an event handler failed", exc_info=task.exception())

    def _fail_pending(self, socket: Optional[ClientConnection], message: str, code: int, reason: str) -> None:
        for request_id, pending in list(self._pending.items()):
            if socket is not None and pending.connection is not socket:
                continue
            del self._pending[request_id]
            if not pending.future.done():
                pending.future.set_exception(GatewayConnectionError(pending.method, f"{pending.method}: {message}", code, reason))
