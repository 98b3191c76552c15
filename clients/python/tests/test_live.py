"""The generated client against a real `kubeclaw serve` over `ollama-sim` (conftest.py starts
both). Every wait is bounded. Run: python -m pytest clients/python/tests"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from conftest import REPLY, Gateway, run
from kubeclaw_client import (
    PROTOCOL,
    DeviceIdentity,
    ErrorCodes,
    Events,
    GatewayConnectionError,
    GatewayError,
    GatewayTimeoutError,
    KubeclawClient,
)

ADMIN = ["operator.admin", "operator.read", "operator.write"]


def client_of(gateway: Gateway, **options: Any) -> KubeclawClient:
    settings: Dict[str, Any] = {"token": gateway.token, "scopes": ADMIN, "request_timeout": 10.0}
    settings.update(options)
    return KubeclawClient(gateway.url, **settings)


def test_v4_handshake_offering_3_to_4_negotiates_4(gateway: Gateway) -> None:
    async def scenario() -> None:
        async with client_of(gateway) as client:
            assert PROTOCOL.min == 3 and PROTOCOL.max == 4
            assert client.protocol == 4
            assert client.hello is not None and client.hello["type"] == "hello-ok"
            assert client.hello["auth"]["role"] == "operator"
            assert "chat.send" in client.hello["features"]["methods"]

    run(scenario)


def test_v4_handshake_with_a_signed_device_identity_gets_a_device_token(gateway: Gateway) -> None:
    async def scenario() -> None:
        device = DeviceIdentity.generate()
        async with client_of(gateway, device=device, min_protocol=4, max_protocol=4) as client:
            assert client.protocol == 4
            assert set(client.hello["auth"]["scopes"]) == set(ADMIN)
            assert isinstance(client.device_token, str) and len(client.device_token) > 20
            token = client.device_token
        # The same device, with the token it was issued instead of the shared one.
        again = KubeclawClient(gateway.url, token=token, device=DeviceIdentity.from_private_bytes(device.private_bytes()),
                               scopes=ADMIN, reconnect=False)
        async with again:
            assert (await again.health())["ok"] is True

    run(scenario)


def test_v3_handshake_a_client_offering_only_3_gets_3(gateway: Gateway) -> None:
    async def scenario() -> None:
        async with client_of(gateway, min_protocol=3, max_protocol=3) as client:
            assert client.protocol == 3
            assert (await client.health())["ok"] is True

    run(scenario)


def test_a_wrong_token_is_refused_with_a_typed_error(gateway: Gateway) -> None:
    async def scenario() -> None:
        client = client_of(gateway, token="not-the-token", reconnect=False)
        with pytest.raises(GatewayError) as refused:
            await client.start()
        assert refused.value.code == ErrorCodes.INVALID_REQUEST
        assert refused.value.detail_code == "AUTH_TOKEN_MISMATCH"
        assert client.state == "closed"

    run(scenario)


def test_health(gateway: Gateway) -> None:
    async def scenario() -> None:
        async with client_of(gateway) as client:
            health = await client.health()
            assert health["ok"] is True
            assert isinstance(health["ts"], int)

    run(scenario)


def test_sessions_create_patch_list_delete(gateway: Gateway) -> None:
    async def scenario() -> None:
        async with client_of(gateway) as client:
            created = await client.sessions_create({"label": "py-client"})
            assert created["ok"] is True
            key = created["key"]
            patched = await client.sessions_patch({"key": key, "label": "py-client-renamed"})
            assert patched["entry"]["label"] == "py-client-renamed"
            listed = await client.sessions_list({"search": "py-client-renamed"})
            assert any(session["key"] == key for session in listed["sessions"]), listed
            deleted = await client.sessions_delete({"key": key})
            assert deleted["deleted"] is True
            remaining = await client.sessions_list({})
            assert not any(session["key"] == key for session in remaining["sessions"])

    run(scenario)


def test_chat_send_streams_deltas_then_final(gateway: Gateway) -> None:
    async def scenario() -> None:
        async with client_of(gateway) as client:
            run_id = str(uuid.uuid4())
            deltas: List[str] = []
            async with client.events(Events.CHAT) as stream:
                ack = await client.chat_send({"sessionKey": "main", "message": "Hello!", "idempotencyKey": run_id})
                assert ack["runId"] == run_id
                assert ack["status"] == "started"
                while True:
                    event = await stream.next(timeout=30)
                    if event.payload.get("runId") != run_id:
                        continue
                    state = event.payload["state"]
                    if state == "delta":
                        deltas.append(event.payload["deltaText"])
                        continue
                    assert state == "final", event.payload
                    break
            assert len(deltas) >= 2, deltas
            assert "".join(deltas) == REPLY

    run(scenario)


def test_chat_abort_stops_a_running_chat(gateway: Gateway) -> None:
    async def scenario() -> None:
        async with client_of(gateway) as client:
            session_key = (await client.sessions_create({"label": "py-abort"}))["key"]
            run_id = str(uuid.uuid4())
            first_delta = client.wait_for(Events.CHAT, lambda e: e["runId"] == run_id and e["state"] == "delta", 15)
            aborted = client.wait_for(Events.CHAT, lambda e: e["runId"] == run_id and e["state"] == "aborted", 15)
            await client.chat_send({"sessionKey": session_key, "message": "Count slowly", "idempotencyKey": run_id})
            await first_delta
            result = await client.chat_abort({"sessionKey": session_key, "runId": run_id})
            assert result["aborted"] is True
            assert result["runIds"] == [run_id]
            await aborted

    run(scenario)


def test_invalid_params_fail_with_a_typed_invalid_request(gateway: Gateway) -> None:
    async def scenario() -> None:
        async with client_of(gateway) as client:
            with pytest.raises(GatewayError) as failed:
                await client.chat_send({"sessionKey": "main"})  # type: ignore[typeddict-item]
            assert failed.value.code == ErrorCodes.INVALID_REQUEST
            assert failed.value.retryable is False
            assert failed.value.method == "chat.send"
            assert "invalid chat.send params" in failed.value.message
            assert (await client.health())["ok"] is True, "the connection stays usable"

    run(scenario)


def test_a_request_that_times_out_is_cancelled_on_the_gateway(gateway: Gateway) -> None:
    async def scenario() -> None:
        frames: List[Tuple[str, Dict[str, Any]]] = []
        answered = asyncio.Event()

        def trace(direction: str, frame: Dict[str, Any]) -> None:
            frames.append((direction, frame))
            if direction == "received" and frame.get("type") == "res" and not frame.get("ok"):
                answered.set()

        async with client_of(gateway, on_frame=trace) as client:
            session_key = (await client.sessions_create({"label": "py-timeout"}))["key"]
            run_id = str(uuid.uuid4())
            await client.chat_send({"sessionKey": session_key, "message": "Take your time", "idempotencyKey": run_id})
            with pytest.raises(GatewayTimeoutError) as timed_out:
                await client.agent_wait({"runId": run_id, "timeoutMs": 60_000}, timeout=0.3)
            assert timed_out.value.code == "TIMEOUT"
            wait_id = next(f["id"] for d, f in frames if d == "sent" and f.get("method") == "agent.wait")
            assert ("sent", {"type": "cancel", "id": wait_id}) in frames
            # The gateway stopped the wait: it answers the cancelled id UNAVAILABLE, reason cancelled.
            await asyncio.wait_for(answered.wait(), 10)
            answer = next(f for d, f in frames if d == "received" and f.get("type") == "res" and f.get("id") == wait_id)
            assert answer["ok"] is False
            assert answer["error"]["code"] == ErrorCodes.UNAVAILABLE
            assert answer["error"]["details"]["reason"] == "cancelled"
            assert (await client.health())["ok"] is True, "the connection stays usable after the cancel"
            await client.chat_abort({"sessionKey": session_key, "runId": run_id})

    run(scenario)


def test_a_request_whose_caller_is_cancelled_is_cancelled_on_the_gateway(gateway: Gateway) -> None:
    async def scenario() -> None:
        frames: List[Tuple[str, Dict[str, Any]]] = []
        sent = asyncio.Event()
        answered = asyncio.Event()

        def trace(direction: str, frame: Dict[str, Any]) -> None:
            frames.append((direction, frame))
            if direction == "sent" and frame.get("method") == "agent.wait":
                sent.set()
            if direction == "received" and frame.get("type") == "res" and not frame.get("ok"):
                answered.set()

        async with client_of(gateway, on_frame=trace) as client:
            waiting = asyncio.create_task(client.agent_wait({"runId": str(uuid.uuid4()), "timeoutMs": 60_000}, timeout=60))
            await asyncio.wait_for(sent.wait(), 10)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            await asyncio.wait_for(answered.wait(), 10)
            wait_id = next(f["id"] for d, f in frames if d == "sent" and f.get("method") == "agent.wait")
            assert ("sent", {"type": "cancel", "id": wait_id}) in frames
            answer = next(f for d, f in frames if d == "received" and f.get("id") == wait_id)
            assert answer["error"]["details"]["reason"] == "cancelled"
            assert (await client.health())["ok"] is True

    run(scenario)


def test_the_cli_prints_a_method_result_as_json(gateway: Gateway) -> None:
    package = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "kubeclaw_client", "health", "--url", gateway.url, "--token", gateway.token],
        cwd=package, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    refused = subprocess.run(
        [sys.executable, "-m", "kubeclaw_client", "call", "chat.send", "--params", '{"sessionKey": "main"}',
         "--url", gateway.url, "--token", gateway.token], cwd=package, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert json.loads(refused.stderr)["code"] == "INVALID_REQUEST"


def test_reconnects_after_the_server_restarts_on_the_same_port(gateway: Gateway) -> None:
    async def scenario() -> None:
        async with client_of(gateway, reconnect_initial_delay=0.1, reconnect_max_delay=1.0) as client:
            closed = client.wait_for("close", None, 30)
            reopened = client.wait_for("open", None, 60)
            await asyncio.to_thread(gateway.stop)
            assert (await closed)["reconnecting"] is True
            with pytest.raises(GatewayConnectionError) as lost:
                await client.health()
            assert lost.value.code == "CONNECTION_LOST"
            await asyncio.to_thread(gateway.start, True)
            hello = await reopened
            assert hello["type"] == "hello-ok"
            assert client.state == "open"
            assert (await client.health())["ok"] is True

    run(scenario, timeout=120)
