"""Quick calls from a shell; the result is printed as JSON.

    python -m kubeclaw_client health --url ws://127.0.0.1:18789 --token "$OPENCLAW_GATEWAY_TOKEN"
    python -m kubeclaw_client sessions.list --params '{"limit": 5}'
    python -m kubeclaw_client call chat.history --params '{"sessionKey": "main"}'
    python -m kubeclaw_client methods

A method is named as in the spec (`sessions.list`) or as the client's method (`sessions_list`).
The URL and token default to $KUBECLAW_URL (else ws://127.0.0.1:18789) and
$OPENCLAW_GATEWAY_TOKEN. A failed request prints the gateway's error as JSON on stderr and exits 1;
no connection exits 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any, Dict, List, Optional

from .client import COMPATIBILITY, KubeclawClient
from .mock_gateway import load_examples
from .runtime import DeviceIdentity, GatewayConnectionError, GatewayError


def _methods() -> Dict[str, str]:
    """Every callable method by its spec name and by its Python name."""
    names = [name for name in load_examples()["methods"] if name != "connect"]
    table = {name: name for name in names}
    for name in names:
        table.setdefault(_python_name(name), name)
    return table


def _python_name(name: str) -> str:
    """`sessions.list` → `sessions_list` (the generated method's name, without keyword suffixes)."""
    out: List[str] = []
    previous = ""
    for character in name:
        if character.isalnum():
            if character.isupper() and (previous.islower() or previous.isdigit()):
                out.append("_")
            out.append(character.lower())
        elif out and out[-1] != "_":
            out.append("_")
        previous = character
    return "".join(out).strip("_")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kubeclaw_client", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", help="a method (health, sessions.list, …), `call METHOD`, or `methods`")
    parser.add_argument("method", nargs="?", help="the method, after `call`")
    parser.add_argument("--params", default=None, help="params as a JSON object (default {})")
    parser.add_argument("--url", default=os.environ.get("KUBECLAW_URL", "ws://127.0.0.1:18789"))
    parser.add_argument("--token", default=os.environ.get("OPENCLAW_GATEWAY_TOKEN"))
    parser.add_argument("--password", default=None)
    parser.add_argument("--scope", action="append", dest="scopes",
                        help="an operator scope to ask for (repeatable; default operator.read and operator.write)")
    parser.add_argument("--min-protocol", type=int, default=None)
    parser.add_argument("--max-protocol", type=int, default=None)
    parser.add_argument("--device", action="store_true", help="sign the handshake with a new device identity")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for the request (default 30)")
    return parser


async def _call(args: argparse.Namespace, method: str, params: Any) -> Any:
    options: Dict[str, Any] = {"token": args.token, "password": args.password, "reconnect": False,
                               "request_timeout": args.timeout, "connect_timeout": min(args.timeout, 10.0)}
    if args.scopes:
        options["scopes"] = args.scopes
    if args.min_protocol is not None:
        options["min_protocol"] = args.min_protocol
    if args.max_protocol is not None:
        options["max_protocol"] = args.max_protocol
    if args.device:
        options["device"] = DeviceIdentity.generate()
    async with KubeclawClient(args.url, **options) as client:
        return await client.request(method, params)


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    methods = _methods()
    if args.command == "methods":
        for name in sorted(set(methods.values())):
            print(name)
        print(COMPATIBILITY, file=sys.stderr)
        return 0
    requested = args.method if args.command == "call" else args.command
    if requested is None:
        print("call needs a METHOD", file=sys.stderr)
        return 64
    method = methods.get(requested, requested if args.command == "call" else None)
    if method is None:
        print(f"unknown method {requested!r} (python -m kubeclaw_client methods lists them; `call NAME` sends any name)", file=sys.stderr)
        return 64
    try:
        params = json.loads(args.params) if args.params is not None else {}
    except ValueError as error:
        print(f"--params is not JSON: {error}", file=sys.stderr)
        return 64
    try:
        result = asyncio.run(_call(args, method, params))
    except GatewayConnectionError as error:
        print(json.dumps({"code": error.code, "message": error.message}), file=sys.stderr)
        return 2
    except GatewayError as error:
        print(json.dumps({"code": error.code, "message": error.message, "details": error.details}), file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
