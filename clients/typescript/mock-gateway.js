// A mock OpenClaw gateway for your own tests: it answers every method with the first example of
// the spec (examples.json, written by rpcgen next to this file), rejects the spec's invalid
// example params with their error codes, and does the handshake (challenge, version
// negotiation, optional token check). Node only, no dependencies: the WebSocket server side is
// implemented here over `node:http` (RFC 6455 framing, text messages, ping/pong, close).
//
//   import { startMockGateway } from "./mock-gateway.js";
//   const mock = await startMockGateway({ token: "t" });   // mock.url: ws://127.0.0.1:PORT
//   mock.emit("tick", { ts: 1 });                          // an event to every client
//   await mock.close();
//
// Or from a shell: node mock-gateway.js [--port 18789] [--token T]

import { createServer } from "node:http";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const MAX_MESSAGE = 64 * 1024;

/** The spec's examples as rpcgen renders them (`examples.json` beside this file). */
export function loadExamples(path = new URL("./examples.json", import.meta.url)) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** JSON with sorted keys, to compare params with the spec's examples. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** One upgraded socket: RFC 6455 frames in (masked) and out (unmasked). */
class MockConnection {
  constructor(socket, onMessage, onClose) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.fragments = [];
    this.seq = 0;
    this.closed = false;
    this.onMessage = onMessage;
    socket.on("data", (chunk) => this.read(chunk));
    socket.on("close", () => {
      this.closed = true;
      onClose(this);
    });
    socket.on("error", () => socket.destroy());
  }

  read(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const frame = this.parse();
      if (!frame) return;
      this.handle(frame);
    }
  }

  /** The next complete frame in the buffer, or null. */
  parse() {
    const b = this.buffer;
    if (b.length < 2) return null;
    const fin = (b[0] & 0x80) !== 0;
    const opcode = b[0] & 0x0f;
    const masked = (b[1] & 0x80) !== 0;
    let length = b[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return null;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return null;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    if (!masked || length > MAX_MESSAGE) {
      this.close(!masked ? 1002 : 1009, !masked ? "unmasked client frame" : "message too big");
      this.buffer = Buffer.alloc(0);
      return null;
    }
    if (b.length < offset + 4 + length) return null;
    const mask = b.subarray(offset, offset + 4);
    const payload = Buffer.from(b.subarray(offset + 4, offset + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
    this.buffer = b.subarray(offset + 4 + length);
    return { fin, opcode, payload };
  }

  handle({ fin, opcode, payload }) {
    if (opcode === 0x8) return this.close(payload.length >= 2 ? payload.readUInt16BE(0) : 1000, "");
    if (opcode === 0x9) return this.write(0xa, payload);
    if (opcode === 0xa) return;
    if (opcode === 0x1 || opcode === 0x0) {
      this.fragments.push(payload);
      if (!fin) return;
      const text = Buffer.concat(this.fragments).toString("utf8");
      this.fragments = [];
      this.onMessage(this, text);
    }
  }

  write(opcode, payload) {
    if (this.closed || this.socket.destroyed) return;
    const length = payload.length;
    const head = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    if (length < 126) head[1] = length;
    else if (length < 65536) {
      head[1] = 126;
      head.writeUInt16BE(length, 2);
    } else {
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(length), 2);
    }
    this.socket.write(Buffer.concat([head, payload]));
  }

  send(frame) {
    this.write(0x1, Buffer.from(JSON.stringify(frame), "utf8"));
  }

  /** Sends an event; broadcast events carry this connection's next `seq` (or the one given). */
  event(event, payload, seq) {
    const frame = { type: "event", event, payload };
    if (seq !== null) frame.seq = seq ?? ++this.seq;
    if (typeof frame.seq === "number") this.seq = frame.seq;
    this.send(frame);
  }

  close(code = 1000, reason = "") {
    if (this.closed) return;
    const body = Buffer.alloc(2 + Buffer.byteLength(reason));
    body.writeUInt16BE(code, 0);
    body.write(reason, 2);
    this.write(0x8, body);
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 100).unref();
  }
}

/**
 * Starts a mock gateway on `host:port` (port 0: any free port). Options: `token` (then
 * `auth.token` must match), `examples` (default: examples.json). Resolves with
 * `{url, port, emit(event, payload, seq?), close()}`.
 */
export function startMockGateway({ host = "127.0.0.1", port = 0, token, examples = loadExamples() } = {}) {
  const connections = new Set();
  const cancelled = [];
  const server = createServer((request, response) => {
    response.writeHead(426, { "content-type": "text/plain" }).end("WebSocket only\n");
  });

  function reply(connection, id, payload) {
    connection.send({ type: "res", id, ok: true, payload });
  }
  function fail(connection, id, code, message, details) {
    const error = { code, message };
    if (details) error.details = details;
    connection.send({ type: "res", id, ok: false, error });
  }

  function handshake(connection, frame) {
    const params = frame.params || {};
    const offered = examples.protocols.filter((v) => v >= params.minProtocol && v <= params.maxProtocol);
    if (frame.method !== "connect") {
      fail(connection, frame.id, "INVALID_REQUEST", "invalid handshake: first request must be connect");
      return connection.close(1008, "invalid handshake");
    }
    if (offered.length === 0) {
      fail(connection, frame.id, "INVALID_REQUEST", "protocol mismatch", {
        code: "PROTOCOL_MISMATCH",
        clientMinProtocol: params.minProtocol,
        clientMaxProtocol: params.maxProtocol,
        expectedProtocol: Math.max(...examples.protocols),
        supportedProtocols: examples.protocols,
      });
      return connection.close(1002, "protocol mismatch");
    }
    if (token !== undefined && params.auth?.token !== token) {
      fail(connection, frame.id, "INVALID_REQUEST", "unauthorized: gateway token mismatch", { code: "AUTH_TOKEN_MISMATCH" });
      return connection.close(1008, "unauthorized");
    }
    connection.protocol = Math.max(...offered);
    const hello = structuredClone(examples.methods.connect?.result ?? { type: "hello-ok" });
    hello.protocol = connection.protocol;
    reply(connection, frame.id, hello);
  }

  function onMessage(connection, text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return connection.close(1008, "invalid JSON");
    }
    if (frame.type === "cancel") return cancelled.push(frame.id);
    if (frame.type !== "req" || typeof frame.id !== "string" || typeof frame.method !== "string") {
      return fail(connection, frame.id ?? "", "INVALID_REQUEST", "invalid request frame");
    }
    if (connection.protocol === undefined) return handshake(connection, frame);
    if (frame.method === "connect") {
      return fail(connection, frame.id, "INVALID_REQUEST", "connect is only valid as the first request");
    }
    const method = examples.methods[frame.method];
    if (!method) return fail(connection, frame.id, "INVALID_REQUEST", `unknown method: ${frame.method}`);
    const params = canonical(frame.params ?? {});
    const invalid = method.invalid.find((example) => canonical(example.params) === params);
    if (invalid) return fail(connection, frame.id, invalid.error, `invalid ${frame.method} params (spec example)`);
    if (!("result" in method)) return fail(connection, frame.id, "UNAVAILABLE", `${frame.method}: the spec has no example`);
    reply(connection, frame.id, method.result);
  }

  server.on("upgrade", (request, socket) => {
    const key = request.headers["sec-websocket-key"];
    if (request.headers.upgrade?.toLowerCase() !== "websocket" || !key) {
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
      return;
    }
    const accept = createHash("sha1").update(key + GUID).digest("base64");
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.setNoDelay(true);
    const connection = new MockConnection(socket, onMessage, (c) => connections.delete(c));
    connections.add(connection);
    connection.event("connect.challenge", { nonce: randomUUID(), ts: Date.now() }, null);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const bound = server.address().port;
      resolve({
        url: `ws://${host}:${bound}`,
        port: bound,
        /** Ids of the requests clients cancelled (`{"type":"cancel","id":…}` frames received). */
        cancelled,
        /** Sends an event to every connected client; `seq` overrides the next sequence number. */
        emit(event, payload, seq) {
          for (const connection of connections) if (connection.protocol !== undefined) connection.event(event, payload, seq);
        },
        /** Closes every connection (code 1012, as a restarting gateway) and the server. */
        close() {
          for (const connection of connections) connection.close(1012, "mock gateway closing");
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argument = (name) => {
    const index = process.argv.indexOf(name);
    return index > 0 ? process.argv[index + 1] : undefined;
  };
  const mock = await startMockGateway({ port: Number(argument("--port") ?? 0), token: argument("--token") });
  console.log(`mock gateway listening on ${mock.url}`);
}
