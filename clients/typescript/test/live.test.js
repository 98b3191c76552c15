// The generated client against a real `kubeclaw serve` over `ollama-sim`, both started here
// (from KUBECLAW_BUILD_DIR, default .build/debug) and stopped by PID in `after`. Every wait is
// bounded. Run: node --experimental-websocket --test clients/typescript/test/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { KubeclawClient, GatewayRequestError, GatewayTimeoutError, ErrorCodes, Events, PROTOCOL } from "../kubeclaw-client.js";

const packageRoot = fileURLToPath(new URL("../../../", import.meta.url));
const buildDir = process.env.KUBECLAW_BUILD_DIR || join(packageRoot, ".build/debug");
const token = `ts-client-${randomUUID()}`;
const reply = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
const dataDir = mkdtempSync(join(tmpdir(), "kubeclaw-ts-client-"));
const children = new Set();
let simulatorURL;
let gateway; // { child, wsURL, wsPort, httpPort }
const clients = [];
// If this process ends abruptly, take the servers it started with it (by PID).
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) process.kill(child.pid, "SIGKILL");
});

/** Starts `executable`, resolves with the first match of `pattern` in its output (bounded). */
function startProcess(executable, args, env, pattern, timeoutMs = 60_000) {
  const child = spawn(executable, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${executable}: no ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${executable} exited (${code}) before ${pattern}:\n${output}`));
    });
  });
}

/** Stops a child by its PID (SIGTERM, then SIGKILL after 5 s); resolves when it exited. */
function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => process.kill(child.pid, "SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    process.kill(child.pid, "SIGTERM");
  });
}

async function startGateway(wsPort = 0, httpPort = 0) {
  const { child, match } = await startProcess(
    join(buildDir, "kubeclaw"),
    ["serve", "--host", "127.0.0.1", "--port", String(wsPort), "--http-port", String(httpPort), "--data-dir", dataDir,
      "--ollama-url", simulatorURL, "--log-level", "info", "--log-format", "text"],
    { OPENCLAW_GATEWAY_TOKEN: token },
    /http=http:\/\/127\.0\.0\.1:(\d+) ws=ws:\/\/127\.0\.0\.1:(\d+)/,
  );
  return { child, httpPort: Number(match[1]), wsPort: Number(match[2]), wsURL: `ws://127.0.0.1:${match[2]}` };
}

/** A started client of the gateway (closed in `after`). */
async function connect(options = {}) {
  const client = new KubeclawClient({
    url: gateway.wsURL, token, scopes: ["operator.admin", "operator.read", "operator.write"],
    requestTimeoutMs: 10_000, ...options,
  });
  clients.push(client);
  await client.start();
  return client;
}

before(async () => {
  for (const name of ["kubeclaw", "ollama-sim"]) {
    assert.ok(existsSync(join(buildDir, name)), `${join(buildDir, name)} missing: run swift build (or set KUBECLAW_BUILD_DIR)`);
  }
  const simulator = await startProcess(
    join(buildDir, "ollama-sim"), ["--port", "0", "--tokens-per-second", "20", "--reply", reply], {},
    /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  simulatorURL = simulator.match[1];
  gateway = await startGateway();
});

after(async () => {
  for (const client of clients) client.close();
  await Promise.all([...children].map(stopProcess));
  rmSync(dataDir, { recursive: true, force: true });
});

test("v4 handshake: offering 3–4 negotiates 4, hello-ok carries auth", async () => {
  const client = await connect();
  assert.equal(client.protocol, 4);
  assert.equal(PROTOCOL.max, 4);
  assert.equal(client.hello.type, "hello-ok");
  assert.equal(client.hello.auth.role, "operator");
  assert.ok(client.hello.features.methods.includes("chat.send"));
  client.close();
});

test("v3 handshake: a client offering only 3 gets 3", async () => {
  const client = await connect({ minProtocol: 3, maxProtocol: 3 });
  assert.equal(client.protocol, 3);
  assert.deepEqual(await client.health().then((h) => h.ok), true);
  client.close();
});

test("a wrong token is refused with a typed error", async () => {
  await assert.rejects(connect({ token: "not-the-token", reconnect: false }), (error) => {
    assert.ok(error instanceof GatewayRequestError);
    assert.equal(error.code, ErrorCodes.INVALID_REQUEST);
    assert.equal(error.detailCode, "AUTH_TOKEN_MISMATCH");
    return true;
  });
});

test("health", async () => {
  const client = await connect();
  const health = await client.health();
  assert.equal(health.ok, true);
  assert.equal(typeof health.ts, "number");
  client.close();
});

test("sessions: create, patch, list, delete", async () => {
  const client = await connect();
  const created = await client.sessionsCreate({ label: "ts-client" });
  assert.equal(created.ok, true);
  const key = created.key;
  const patched = await client.sessionsPatch({ key, label: "ts-client-renamed" });
  assert.equal(patched.entry.label, "ts-client-renamed");
  const listed = await client.sessionsList({ search: "ts-client-renamed" });
  assert.ok(listed.sessions.some((session) => session.key === key), JSON.stringify(listed));
  const deleted = await client.sessionsDelete({ key });
  assert.equal(deleted.deleted, true);
  const after = await client.sessionsList({});
  assert.ok(!after.sessions.some((session) => session.key === key));
  client.close();
});

test("chat.send streams deltas, then final", async () => {
  const client = await connect();
  const runId = randomUUID();
  const deltas = [];
  const final = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no final; deltas: ${deltas.length}`)), 30_000);
    client.on(Events.CHAT, (event) => {
      if (event.runId !== runId) return;
      if (event.state === "delta") deltas.push(event.deltaText);
      if (event.state === "final") {
        clearTimeout(timer);
        resolve(event);
      }
      if (event.state === "error" || event.state === "aborted") reject(new Error(`run ended ${event.state}`));
    });
  });
  const ack = await client.chatSend({ sessionKey: "main", message: "Hello!", idempotencyKey: runId });
  assert.equal(ack.runId, runId);
  assert.equal(ack.status, "started");
  await final;
  assert.ok(deltas.length >= 2, `deltas: ${deltas.length}`);
  assert.equal(deltas.join(""), reply);
  client.close();
});

test("chat.abort stops a running chat", async () => {
  const client = await connect();
  const sessionKey = (await client.sessionsCreate({ label: "ts-abort" })).key;
  const runId = randomUUID();
  const firstDelta = client.waitFor(Events.CHAT, (e) => e.runId === runId && e.state === "delta", 15_000);
  const aborted = client.waitFor(Events.CHAT, (e) => e.runId === runId && e.state === "aborted", 15_000);
  await client.chatSend({ sessionKey, message: "Count slowly", idempotencyKey: runId });
  await firstDelta;
  const result = await client.chatAbort({ sessionKey, runId });
  assert.equal(result.aborted, true);
  assert.deepEqual(result.runIds, [runId]);
  await aborted;
  client.close();
});

test("invalid params fail with a typed INVALID_REQUEST", async () => {
  const client = await connect();
  await assert.rejects(client.chatSend({ sessionKey: "main" }), (error) => {
    assert.ok(error instanceof GatewayRequestError);
    assert.equal(error.code, ErrorCodes.INVALID_REQUEST);
    assert.equal(error.retryable, false);
    assert.match(error.message, /invalid chat\.send params/);
    return true;
  });
  assert.equal((await client.health()).ok, true, "the connection stays usable");
  client.close();
});

test("a request that times out is cancelled and fails with GatewayTimeoutError", async () => {
  const client = await connect();
  const sessionKey = (await client.sessionsCreate({ label: "ts-timeout" })).key;
  const runId = randomUUID();
  await client.chatSend({ sessionKey, message: "Take your time", idempotencyKey: runId });
  await assert.rejects(client.agentWait({ runId, timeoutMs: 60_000 }, { timeoutMs: 300 }), GatewayTimeoutError);
  assert.equal((await client.health()).ok, true, "the connection stays usable after the cancel");
  await client.chatAbort({ sessionKey, runId });
  client.close();
});

test("reconnects after the server restarts on the same port", async () => {
  const client = await connect({ reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 1000 });
  const closed = client.waitFor("close", () => true, 30_000);
  const reopened = client.waitFor("open", () => true, 60_000);
  const { wsPort, httpPort } = gateway;
  await stopProcess(gateway.child);
  assert.equal((await closed).reconnecting, true);
  await assert.rejects(client.health(), (error) => error.code === "CONNECTION_LOST");
  gateway = await startGateway(wsPort, httpPort);
  await reopened;
  assert.equal(client.state, "open");
  assert.equal((await client.health()).ok, true);
  client.close();
});
