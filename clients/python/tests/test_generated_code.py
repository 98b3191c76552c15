"""The generated Python is valid and means what the spec says, for the real spec (the committed
client) and for the renderer's golden files (rendered from the mini spec, which uses every
feature: nested types, open enums, a member named `in`, nullable and protocol-dependent members)."""

from __future__ import annotations

import importlib
import shutil
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, List, Literal, NotRequired, Optional, Union

import kubeclaw_client
from conftest import PACKAGE_ROOT

GOLDEN = PACKAGE_ROOT / "Tests" / "RPCGenTests" / "Fixtures" / "Golden" / "python"


def golden_package(tmp_path: Path) -> ModuleType:
    """The golden types.py and client.py over this runtime, as an importable package."""
    package = tmp_path / "golden_client"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("types.py", "client.py"):
        shutil.copy(GOLDEN / name, package / name)
    shutil.copy(Path(kubeclaw_client.__file__).with_name("runtime.py"), package / "runtime.py")
    sys.path.insert(0, str(tmp_path))
    try:
        importlib.import_module("golden_client.client")
        return importlib.import_module("golden_client")
    finally:
        sys.path.remove(str(tmp_path))


def all_typed_dicts(module: ModuleType) -> Dict[str, Any]:
    return {name: value for name, value in vars(module).items() if typing.is_typeddict(value)}


def test_every_generated_type_of_the_spec_resolves() -> None:
    types = kubeclaw_client.types
    dicts = all_typed_dicts(types)
    assert len(dicts) > 50
    for name, value in dicts.items():
        typing.get_type_hints(value, globalns=vars(types))  # raises on a dangling name
    for name, (params, result) in types.METHOD_TYPES.items():
        assert typing.is_typeddict(params), name
        assert typing.is_typeddict(result) or typing.get_origin(result) is list, name
    # Keys that may be absent are optional at run time too (no stringified NotRequired).
    assert types.ChatSendParams.__required_keys__ == frozenset({"sessionKey", "message", "idempotencyKey"})
    assert "deliver" in types.ChatSendParams.__optional_keys__


def test_golden_types_spell_every_feature_of_the_mini_spec(tmp_path: Path) -> None:
    golden = golden_package(tmp_path)
    types = golden.types
    hints = {name: typing.get_type_hints(value, globalns=vars(types), include_extras=True)
             for name, value in all_typed_dicts(types).items()}
    note = hints["Note"]
    assert note["key"] is str
    assert note["updatedAt"] == Optional[int]
    assert note["revision"] == NotRequired[int], "a member that exists only from protocol 4 is never required"
    assert note["state"] == NotRequired[types.NoteState]
    assert types.NoteState == Literal["draft", "final"]
    put = hints["NotePutParams"]
    assert put["in"] == NotRequired[bool], "a keyword member uses the functional TypedDict form"
    assert put["tags"] == NotRequired[List[str]]
    assert put["meta"] == NotRequired[Dict[str, Any]]
    assert put["owner"] == NotRequired[types.NotePutParamsOwner]
    assert types.NotePutParamsChannel == Union[Literal["web", "cli"], str], "an open enum admits any string"
    assert types.NotePutParams.__required_keys__ == frozenset({"key", "text"})
    assert hints["CancelFrame"]["type"] == Literal["cancel"]
    assert types.Tags == List[str]
    assert set(types.METHOD_TYPES) == {"connect", "notes.put", "notes.watch", "ping"}


def test_golden_client_has_one_async_method_per_rpc(tmp_path: Path) -> None:
    golden = golden_package(tmp_path)
    client = golden.client
    import inspect

    assert inspect.iscoroutinefunction(client.KubeclawClient.notes_put)
    assert inspect.iscoroutinefunction(client.KubeclawClient.notes_watch)
    assert inspect.iscoroutinefunction(client.KubeclawClient.ping)
    assert not hasattr(client.KubeclawClient, "connect")
    assert client.PROTOCOL.min == 3 and client.PROTOCOL.max == 4
    assert client.Events.NOTE_CHANGED == "note.changed"
    assert client.ErrorDetailCodes.NOTE_LOCKED == "NOTE_LOCKED"
    assert client.PROTOCOL.fingerprint in client.COMPATIBILITY
    ping = inspect.signature(client.KubeclawClient.ping)
    assert ping.parameters["params"].default is None, "params without a required member may be left out"
    assert inspect.signature(client.KubeclawClient.notes_put).parameters["params"].default is inspect.Parameter.empty


TYPED_USE = '''
from kubeclaw_client import Events, KubeclawClient, types


async def use(client: KubeclawClient) -> str:
    health: types.HealthSummary = await client.health()
    ack = await client.chat_send({"sessionKey": "main", "message": "hi", "idempotencyKey": "k"})
    run_id: str = ack["runId"]
    final = await client.wait_for(Events.CHAT, lambda e: e["runId"] == run_id and e["state"] != "delta")
    client.on(Events.CHAT, lambda e: print(e["sessionKey"]))
    return final["state"] if health["ok"] else ""
'''

MISTYPED_USE = '''
from kubeclaw_client import Events, KubeclawClient


async def use(client: KubeclawClient) -> None:
    await client.chat_send({"sessionKey": "main"})
    await client.sessions_list({"limit": "five"})
    print((await client.wait_for(Events.CHAT))["noSuchMember"])
'''


def mypy(tmp_path: Path, source: str) -> "subprocess.CompletedProcess[str]":
    import subprocess

    (tmp_path / "use.py").write_text(source)
    package = Path(kubeclaw_client.__file__).parent
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(tmp_path / "cache"),
         str(package), str(tmp_path / "use.py")],
        cwd=package.parent, capture_output=True, text=True, timeout=240)


def test_the_package_and_a_typed_use_of_it_pass_mypy_strict(tmp_path: Path) -> None:
    checked = mypy(tmp_path, TYPED_USE)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_mypy_rejects_params_and_event_members_the_spec_lacks(tmp_path: Path) -> None:
    checked = mypy(tmp_path, MISTYPED_USE)
    errors = [line for line in checked.stdout.splitlines() if "use.py" in line and ": error:" in line]
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert any(":6:" in line and "message" in line for line in errors), errors          # required keys missing
    assert any(":7:" in line and "SessionsListParams" in line for line in errors), errors  # a member of the wrong type
    assert any(":8:" in line and "noSuchMember" in line for line in errors), errors     # not a ChatEvent member
    assert len(errors) == 3, errors
