"""A stand-in for `ollama serve`, for testing the init container's script offline.

Speaks the three endpoints the script uses (/api/version, /api/tags, streaming
/api/pull) on the OLLAMA_HOST address, behaving as STUB_OLLAMA_MODE says:

  ok            no model at first; the pull streams progress, then success
  present       the model is already listed; a pull would be a test failure
  pull-error    the pull stream carries {"error": ...} after some progress
  pull-500      the pull answers HTTP 500 with an error body
  no-success    the pull stream ends without {"status":"success"}
  not-listed    the pull says success but /api/tags never lists the model
  stall         the pull sends one line and then nothing
  crash         `serve` exits at once with status 1
  never-ready   `serve` runs but never listens

With STUB_OLLAMA_SPACED=1 the JSON has blanks after separators (Go's has none).
Every request is appended to STUB_OLLAMA_LOG as "METHOD PATH BODY"; the process id is
written to STUB_OLLAMA_PIDFILE.
"""

from __future__ import annotations

import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

MODE = os.environ.get("STUB_OLLAMA_MODE", "ok")
MODEL = os.environ.get("STUB_OLLAMA_MODEL", "qwen2.5:14b")
LOG = os.environ.get("STUB_OLLAMA_LOG", os.devnull)
SPACED = os.environ.get("STUB_OLLAMA_SPACED") == "1"  # Go's encoder is compact; be tolerant
state = {"present": MODE == "present"}


def dumps(obj: dict) -> str:
    return json.dumps(obj) if SPACED else json.dumps(obj, separators=(",", ":"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):  # keep the script's output readable
        pass

    def _record(self, body: str = "") -> None:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(f"{self.command} {self.path} {body}\n")

    def _json(self, status: int, obj: dict) -> None:
        data = dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        self._record()
        if self.path == "/api/version":
            self._json(200, {"version": "0.0.0-stub"})
        elif self.path == "/api/tags":
            models = [{"name": MODEL, "model": MODEL, "size": 1}] if state["present"] else []
            self._json(200, {"models": models})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self._record(body)
        if self.path != "/api/pull":
            self._json(404, {"error": "not found"})
            return
        if MODE == "pull-500":
            self._json(500, {"error": "pull model manifest: file does not exist"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()

        def line(obj: dict) -> None:
            self.wfile.write((dumps(obj) + "\n").encode())
            self.wfile.flush()

        line({"status": "pulling manifest"})
        if MODE == "stall":
            time.sleep(30)
            return
        total = 8 * 1048576
        for done in range(0, total + 1, 1048576):
            line({"status": "pulling 6a0746a1ec1a", "digest": "sha256:6a0746a1ec1a",
                  "total": total, "completed": done})
            if MODE == "pull-error" and done >= total // 2:
                line({"error": "max retries exceeded: connection reset by peer"})
                return
        line({"status": "verifying sha256 digest"})
        line({"status": "writing manifest"})
        if MODE == "no-success":
            return
        if MODE != "not-listed":
            state["present"] = True
        line({"status": "success"})


def main() -> int:
    if sys.argv[1:2] != ["serve"]:
        print(f"stub ollama: unsupported command {sys.argv[1:]}", file=sys.stderr)
        return 2
    pidfile = os.environ.get("STUB_OLLAMA_PIDFILE")
    if pidfile:
        with open(pidfile, "w", encoding="utf-8") as f:
            f.write(str(os.getpid()))
    if MODE == "crash":
        print("Error: mkdir /.ollama: permission denied", file=sys.stderr)
        return 1
    if MODE == "never-ready":
        time.sleep(3600)
        return 0
    host, _, port = os.environ.get("OLLAMA_HOST", "127.0.0.1:11434").rpartition(":")
    server = HTTPServer((host, int(port)), Handler)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
