"""The generated client against the mock gateway (no server needed): handshake, typed results from
the spec's examples, typed errors, request timeouts with the cancel frame, seq gap detection,
event streams, the CLI, and the generated layer's coverage of the spec."""

from __future__ import annotations

import asyncio
import json
import sys
import typing
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Dict, List

import pytest

from conftest import run
from kubeclaw_client import (
    COMPATIBILITY,
    PROTOCOL,
    ErrorCodes,
    Events,
    GatewayConnectionError,
    GatewayError,
    GatewayTimeoutError,
    KubeclawClient,
    types,
)
from kubeclaw_client.mock_gateway import MockGateway, load_examples, start_mock_gateway

EXAMPLES = load_examples()


async def with_mock(body: Callable[[MockGateway, KubeclawClient], Any]) -> None:
    async with await start_mock_gateway(token="mock-token") as mock:
        async with KubeclawClient(mock.url, token="mock-token", request_timeout=5.0, reconnect=False) as client:
            await body(mock, client)


def test_the_handshake_negotiates_the_newest_protocol_of_the_spec() -> None:
    async def body(mock: MockGateway, client: KubeclawClient) -> None:
        assert client.protocol == PROTOCOL.max
        assert client.hello is not None and client.hello["type"] == "hello-ok"
        assert mock.requests[0]["method"] == "connect"
        assert mock.requests[0]["params"]["minProtocol"] == PROTOCOL.min

    run(lambda: with_mock(body))


def test_each_method_answers_with_the_specs_first_example() -> None:
    async def body(mock: MockGateway, client: KubeclawClient) -> None:
        assert await client.health() == EXAMPLES["methods"]["health"]["result"]
        assert await client.sessions_list({}) == EXAMPLES["methods"]["sessions.list"]["result"]

    run(lambda: with_mock(body))


def test_the_specs_invalid_example_params_fail_with_a_typed_error() -> None:
    async def body(mock: MockGateway, client: KubeclawClient) -> None:
        invalid = EXAMPLES["methods"]["chat.send"]["invalid"][0]
        with pytest.raises(GatewayError) as failed:
            await client.chat_send(invalid["params"])
        assert failed.value.code == invalid["error"]
        assert failed.value.method == "chat.send"

    run(lambda: with_mock(body))


def test_a_wrong_token_is_refused_with_auth_token_mismatch() -> None:
    async def body(mock: MockGateway, client: KubeclawClient) -> None:
        intruder = KubeclawClient(mock.url, token="wrong", reconnect=False)
        with pytest.raises(GatewayError) as refused:
            await intruder.start()
        assert refused.value.code == ErrorCodes.INVALID_REQUEST
        assert refused.value.detail_code == "AUTH_TOKEN_MISMATCH"

    run(lambda: with_mock(body))


def test_a_version_range_the_gateway_lacks_is_refused_with_protocol_mismatch() -> None:
    async def body(mock: MockGateway, client: KubeclawClient) -> None:
        future = KubeclawClient(mock.url, token="mock-token", min_protocol=PROTOCOL.max + 1, max_protocol=PROTOCOL.max + 1,
                                reconnect=False)
        with pytest.raises(GatewayError) as refused:
            await future.start()
        assert refused.value.detail_code == "PROTOCOL_MISMATCH"

    run(lambda: with_mock(body))


def test_a_request_that_times_out_fails_and_sends_the_cancel_frame() -> None:
    async def body(mock: MockGateway, client: KubeclawClient) -> None:
        before = len(mock.cancelled)
        with pytest.raises(GatewayTimeoutError) as timed_out:
            await client.health(timeout=0)
        assert timed_out.value.code == "TIMEOUT"
        for _ in range(500):  # bounded: until the mock has read the cancel frame
            if len(mock.cancelled) > before:
                break
            await asyncio.sleep(0.01)
        assert mock.cancelled[before:] == [str(len(mock.requests))], "the timed-out request's id was cancelled"
        assert (await client.health())["ok"] == EXAMPLES["methods"]["health"]["result"]["ok"], "the connection stays usable"

    run(lambda: with_mock(body))


def test_a_jump_in_the_event_seq_is_reported_as_a_gap() -> None:
    async def body(mock: MockGateway, client: KubeclawClient) -> None:
        gap = client.wait_for("gap", None, 5)
        ticks: List[Any] = []
        off = client.on(Events.TICK, ticks.append)
        async with client.events(Events.TICK, "gap") as stream:
            await mock.emit(Events.TICK, {"ts": 1})
            await mock.emit(Events.TICK, {"ts": 2}, 5)
            assert await gap == {"expected": 2, "received": 5}
            seen = [await stream.next(timeout=5) for _ in range(3)]
        off()
        assert [(e.event, e.seq) for e in seen] == [(Events.TICK, 1), ("gap", None), (Events.TICK, 5)]
        assert ticks == [{"ts": 1}, {"ts": 2}]
        assert client.gaps == [{"expected": 2, "received": 5}]

    run(lambda: with_mock(body))


def test_async_handlers_run_as_tasks() -> None:
    async def body(mock: MockGateway, client: KubeclawClient) -> None:
        seen: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        async def handler(payload: Any) -> None:
            seen.set_result(payload)

        client.on(Events.TICK, handler)
        await mock.emit(Events.TICK, {"ts": 7})
        assert await asyncio.wait_for(seen, 5) == {"ts": 7}

    run(lambda: with_mock(body))


def test_after_the_gateway_closes_requests_fail_with_a_typed_connection_error() -> None:
    async def scenario() -> None:
        mock = await start_mock_gateway()
        client = KubeclawClient(mock.url, reconnect=False)
        await client.start()
        closed = client.wait_for("close", None, 5)
        await mock.close()
        assert (await closed)["code"] == 1012
        with pytest.raises(GatewayConnectionError):
            await client.health()
        assert client.state == "closed"

    run(scenario)


def test_the_cli_calls_any_method_and_prints_json() -> None:
    async def scenario() -> None:
        async with await start_mock_gateway(token="t") as mock:
            package = Path(__file__).resolve().parents[1]
            for arguments, expected in [
                (["health"], EXAMPLES["methods"]["health"]["result"]),
                (["call", "sessions.list", "--params", "{}"], EXAMPLES["methods"]["sessions.list"]["result"]),
                (["sessions_list"], EXAMPLES["methods"]["sessions.list"]["result"]),
            ]:
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "kubeclaw_client", *arguments, "--url", mock.url, "--token", "t",
                    cwd=package, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
                out, err = await asyncio.wait_for(process.communicate(), 30)
                assert process.returncode == 0, err.decode()
                assert json.loads(out) == expected

    run(scenario)


def test_the_generated_layer_covers_the_spec() -> None:
    methods = [name for name in EXAMPLES["methods"] if name != "connect"]
    for name in methods:
        python_name = name.replace(".", "_").replace("-", "_")
        python_name = "".join("_" + c.lower() if c.isupper() else c for c in python_name)
        assert callable(getattr(KubeclawClient, python_name, None)), f"no method for {name}"
    assert not hasattr(KubeclawClient, "connect"), "the handshake is the runtime's"
    constants = {value for key, value in vars(Events).items() if key.isupper()}
    assert set(types.EVENT_PAYLOADS) <= constants
    assert set(types.METHOD_TYPES) == set(EXAMPLES["methods"])
    hints = typing.get_type_hints(types.ChatSendParams)
    assert hints["sessionKey"] is str and "idempotencyKey" in types.ChatSendParams.__required_keys__
    assert "deliver" in types.ChatSendParams.__optional_keys__
    assert PROTOCOL.fingerprint in COMPATIBILITY and f"{PROTOCOL.min}–{PROTOCOL.max}" in COMPATIBILITY
    doc = KubeclawClient.chat_send.__doc__ or ""
    assert "Scope: `operator.write`." in doc, doc
