// The generated client against the mock gateway (no server needed): handshake, typed results
// from the spec's examples, typed errors, request timeouts with the cancel frame, gap detection.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KubeclawClient, GatewayRequestError, GatewayConnectionError, GatewayTimeoutError, Events, ErrorCodes, PROTOCOL } from "../kubeclaw-client.js";
import { startMockGateway, loadExamples } from "../mock-gateway.js";

const examples = loadExamples();
let mock;
let client;

before(async () => {
  mock = await startMockGateway({ token: "mock-token" });
  client = new KubeclawClient({ url: mock.url, token: "mock-token", requestTimeoutMs: 5000, reconnect: false });
  await client.start();
});

after(async () => {
  client?.close();
  await mock?.close();
});

test("the handshake negotiates the newest protocol of the spec", () => {
  assert.equal(client.protocol, PROTOCOL.max);
  assert.equal(client.hello.type, "hello-ok");
});

test("each method answers with the spec's first example", async () => {
  assert.deepEqual(await client.health(), examples.methods.health.result);
  assert.deepEqual(await client.sessionsList({}), examples.methods["sessions.list"].result);
});

test("the spec's invalid example params fail with a typed error", async () => {
  const invalid = examples.methods["chat.send"].invalid[0];
  await assert.rejects(client.chatSend(invalid.params), (error) => {
    assert.ok(error instanceof GatewayRequestError);
    assert.equal(error.code, invalid.error);
    assert.equal(error.method, "chat.send");
    return true;
  });
});

test("a wrong token is refused with AUTH_TOKEN_MISMATCH", async () => {
  const intruder = new KubeclawClient({ url: mock.url, token: "wrong", reconnect: false });
  await assert.rejects(intruder.start(), (error) => error.code === ErrorCodes.INVALID_REQUEST && error.detailCode === "AUTH_TOKEN_MISMATCH");
});

test("a request that times out fails with GatewayTimeoutError and sends the cancel frame", async () => {
  const before = mock.cancelled.length;
  await assert.rejects(client.health({}, { timeoutMs: 0 }), (error) => error instanceof GatewayTimeoutError && error.code === "TIMEOUT");
  for (let i = 0; i < 100 && mock.cancelled.length === before; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(mock.cancelled.length, before + 1);
  assert.equal((await client.health()).ok, examples.methods.health.result.ok, "the connection stays usable");
});

test("a jump in the event seq emits gap", async () => {
  const gap = client.waitFor("gap", () => true, 2000);
  const ticks = [];
  const off = client.on(Events.TICK, (payload) => ticks.push(payload));
  mock.emit(Events.TICK, { ts: 1 });
  mock.emit(Events.TICK, { ts: 2 }, 5);
  assert.deepEqual(await gap, { expected: 2, received: 5 });
  off();
  assert.equal(ticks.length, 2);
});

test("after the gateway closes, requests fail with a typed connection error", async () => {
  const closed = client.waitFor("close", () => true, 2000);
  await mock.close();
  mock = undefined;
  await closed;
  await assert.rejects(client.health(), GatewayConnectionError);
});
