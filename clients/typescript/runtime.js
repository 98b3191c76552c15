// The hand-written transport under the generated client (kubeclaw-client.js): one WebSocket to
// an OpenClaw-compatible gateway on the platform `WebSocket` (browsers, Node >= 22, Node 20 with
// --experimental-websocket), the handshake, requests with timeouts and the cancel frame, events
// with per-connection `seq` gap detection, and reconnects with jittered exponential backoff.
// No dependencies, no build step.

/** A failed request: the gateway's `error` object (or a local failure, see the subclasses). */
export class GatewayRequestError extends Error {
  constructor({ code, message, details, retryable, retryAfterMs } = {}, method) {
    super(message || code || "request failed");
    this.name = "GatewayRequestError";
    /** `error.code`: INVALID_REQUEST, UNAVAILABLE, … (a missing code counts as UNAVAILABLE). */
    this.code = code || "UNAVAILABLE";
    this.details = details;
    this.retryable = retryable === true;
    this.retryAfterMs = retryAfterMs;
    /** The method of the request that failed. */
    this.method = method;
  }

  /** `details.code`, when the gateway said exactly what went wrong (AUTH_TOKEN_MISMATCH, …). */
  get detailCode() {
    return this.details && typeof this.details === "object" ? this.details.code : undefined;
  }
}

/** No response within the request's timeout; the request was cancelled with a `cancel` frame. */
export class GatewayTimeoutError extends GatewayRequestError {
  constructor(method, timeoutMs) {
    super({ code: "TIMEOUT", message: `${method}: no response within ${timeoutMs} ms`, retryable: true }, method);
    this.name = "GatewayTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/** The connection is not open, or closed before the response came. */
export class GatewayConnectionError extends GatewayRequestError {
  constructor(method, message, closeCode, closeReason) {
    super({ code: "CONNECTION_LOST", message, retryable: true }, method);
    this.name = "GatewayConnectionError";
    this.closeCode = closeCode;
    this.closeReason = closeReason;
  }
}

const defaults = Object.freeze({
  minProtocol: 3,
  maxProtocol: 4,
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  challengeTimeoutMs: 750,
  role: "operator",
  scopes: ["operator.read", "operator.write"],
  reconnect: true,
  reconnectInitialDelayMs: 250,
  reconnectMaxDelayMs: 10_000,
});

/** Client-side events (never sent by a gateway): `open`, `close`, `reconnecting`, `gap`. */
const localEvents = new Set(["open", "close", "reconnecting", "gap"]);

function platformName() {
  if (typeof process !== "undefined" && process.platform) return process.platform;
  if (typeof navigator !== "undefined" && navigator.platform) return navigator.platform;
  return "unknown";
}

/**
 * One logical connection to a gateway. `start()` connects and does the handshake; if the
 * connection is lost later it reconnects by itself (unless `reconnect: false`) until `close()`.
 */
export class GatewayClient {
  constructor(options) {
    if (!options || !options.url) throw new TypeError("GatewayClient: options.url is required");
    this.options = { ...defaults, ...options };
    this.options.client = {
      id: "gateway-client",
      version: "0.1.0",
      platform: platformName(),
      mode: "backend",
      ...(options.client || {}),
    };
    /** `idle` → `connecting` → `open` ⇄ `reconnecting` → `closed`. */
    this.state = "idle";
    /** The gateway's `hello-ok` of the current connection. */
    this.hello = null;
    this._socket = null;
    this._handlers = new Map();
    this._pending = new Map();
    this._nextId = 1;
    this._lastSeq = null;
    this._attempt = 0;
    this._reconnectTimer = null;
  }

  /** The negotiated protocol version (3 or 4), once connected. */
  get protocol() {
    return this.hello ? this.hello.protocol : undefined;
  }

  /** Connects and completes the handshake; resolves with `hello-ok`. A first failure rejects. */
  async start() {
    if (this.state !== "idle") throw new Error(`GatewayClient: start() in state ${this.state}`);
    this.state = "connecting";
    try {
      return await this._connect();
    } catch (error) {
      this.state = "closed";
      throw error;
    }
  }

  /** Closes the connection and stops reconnecting; pending requests fail. */
  close() {
    if (this.state === "closed") return;
    this.state = "closed";
    clearTimeout(this._reconnectTimer);
    const socket = this._socket;
    this._socket = null;
    this._failPending("client closed", 1000, "");
    if (socket && socket.readyState <= 1) socket.close(1000, "client closed");
    this._emit("close", { code: 1000, reason: "client closed", reconnecting: false });
  }

  /**
   * Sends a request; resolves with the response's `payload` or throws `GatewayRequestError`.
   * `options.timeoutMs` (default `requestTimeoutMs`): after it the request is cancelled
   * (`{"type":"cancel","id":…}`) and fails with `GatewayTimeoutError`.
   */
  request(method, params, options = {}) {
    const socket = this._socket;
    if (this.state !== "open" || !socket) {
      return Promise.reject(new GatewayConnectionError(method, `${method}: not connected (${this.state})`));
    }
    return this._send(socket, method, params, options.timeoutMs ?? this.options.requestTimeoutMs);
  }

  /** Calls `handler(payload, frame)` for each event named `event`; returns an unsubscribe function. */
  on(event, handler) {
    let set = this._handlers.get(event);
    if (!set) this._handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Resolves with the payload of the next `event` whose payload satisfies `predicate`. */
  waitFor(event, predicate = () => true, timeoutMs = this.options.requestTimeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new GatewayTimeoutError(`waitFor(${event})`, timeoutMs));
      }, timeoutMs);
      const off = this.on(event, (payload) => {
        if (!predicate(payload)) return;
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }

  // --- connection -------------------------------------------------------------------------

  _connect() {
    const Socket = this.options.WebSocket || globalThis.WebSocket;
    if (!Socket) {
      return Promise.reject(new Error("no WebSocket: use Node >= 22, Node 20 with --experimental-websocket, or pass options.WebSocket"));
    }
    return new Promise((resolve, reject) => {
      const socket = new Socket(this.options.url);
      this._socket = socket;
      this._lastSeq = null;
      let settled = false;
      let opened = false;
      let challengeTimer = null;
      const handshakeTimer = setTimeout(() => fail(new GatewayConnectionError("connect", "handshake timed out")), this.options.connectTimeoutMs);
      const fail = (error) => {
        if (settled) return;
        settled = true;
        clearTimeout(handshakeTimer);
        clearTimeout(challengeTimer);
        if (this._socket === socket) this._socket = null;
        if (socket.readyState <= 1) socket.close(4008, "connect failed");
        reject(error);
      };
      const sendConnect = () => {
        clearTimeout(challengeTimer);
        if (settled || this._connectSent) return;
        this._connectSent = true;
        this._send(socket, "connect", this._connectParams(), this.options.connectTimeoutMs).then(
          (hello) => {
            if (settled) return;
            settled = true;
            opened = true;
            clearTimeout(handshakeTimer);
            this.hello = hello;
            this.state = "open";
            this._attempt = 0;
            this._emit("open", hello);
            resolve(hello);
          },
          fail,
        );
      };
      this._connectSent = false;
      socket.addEventListener("open", () => {
        challengeTimer = setTimeout(sendConnect, this.options.challengeTimeoutMs);
      });
      socket.addEventListener("message", (message) => {
        let frame;
        try {
          frame = JSON.parse(typeof message.data === "string" ? message.data : new TextDecoder().decode(message.data));
        } catch {
          return;
        }
        if (frame.type === "event" && frame.event === "connect.challenge" && !this._connectSent) {
          this._challenge = frame.payload;
          sendConnect();
        }
        this._receive(frame);
      });
      socket.addEventListener("close", (event) => {
        if (this._socket === socket) this._socket = null;
        const reason = event.reason || "";
        this._failPending(`connection closed (${event.code}${reason ? ": " + reason : ""})`, event.code, reason);
        if (!opened) {
          fail(new GatewayConnectionError("connect", `connection closed during the handshake (${event.code}${reason ? ": " + reason : ""})`, event.code, reason));
          return;
        }
        if (this.state === "closed") return;
        this._emit("close", { code: event.code, reason, reconnecting: this.options.reconnect });
        if (this.options.reconnect) this._scheduleReconnect();
        else this.state = "closed";
      });
      socket.addEventListener("error", () => {
        // A `close` event always follows; it does the work.
      });
    });
  }

  _connectParams() {
    const o = this.options;
    const params = {
      minProtocol: o.minProtocol,
      maxProtocol: o.maxProtocol,
      client: o.client,
      role: o.role,
      scopes: o.scopes,
    };
    if (o.token !== undefined) params.auth = { token: o.token };
    else if (o.password !== undefined) params.auth = { password: o.password };
    if (o.caps) params.caps = o.caps;
    return params;
  }

  _scheduleReconnect() {
    this.state = "reconnecting";
    const attempt = this._attempt++;
    const ceiling = Math.min(this.options.reconnectMaxDelayMs, this.options.reconnectInitialDelayMs * 2 ** attempt);
    const delayMs = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this._emit("reconnecting", { attempt: attempt + 1, delayMs });
    this._reconnectTimer = setTimeout(() => {
      if (this.state !== "reconnecting") return;
      this._connect().catch((error) => {
        if (this.state !== "reconnecting") return;
        // Refused credentials or versions do not get better by retrying.
        if (error instanceof GatewayRequestError && !(error instanceof GatewayConnectionError) && !error.retryable) {
          this.state = "closed";
          this._emit("close", { code: 1008, reason: error.message, reconnecting: false, error });
          return;
        }
        this._scheduleReconnect();
      });
    }, delayMs);
  }

  // --- frames -----------------------------------------------------------------------------

  _send(socket, method, params, timeoutMs) {
    const id = String(this._nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this._pending.delete(id)) return;
        if (socket.readyState === 1) socket.send(JSON.stringify({ type: "cancel", id }));
        reject(new GatewayTimeoutError(method, timeoutMs));
      }, timeoutMs);
      this._pending.set(id, { method, resolve, reject, timer });
      const frame = { type: "req", id, method };
      if (params !== undefined) frame.params = params;
      try {
        socket.send(JSON.stringify(frame));
      } catch (error) {
        clearTimeout(timer);
        this._pending.delete(id);
        reject(new GatewayConnectionError(method, `${method}: send failed: ${error.message}`));
      }
    });
  }

  _receive(frame) {
    if (frame.type === "res") {
      const pending = this._pending.get(frame.id);
      if (!pending) return;
      this._pending.delete(frame.id);
      clearTimeout(pending.timer);
      if (frame.ok) pending.resolve(frame.payload);
      else pending.reject(new GatewayRequestError(frame.error || {}, pending.method));
    } else if (frame.type === "event" && typeof frame.event === "string") {
      if (typeof frame.seq === "number") {
        if (this._lastSeq !== null && frame.seq > this._lastSeq + 1) {
          this._emit("gap", { expected: this._lastSeq + 1, received: frame.seq });
        }
        this._lastSeq = frame.seq;
      }
      if (!localEvents.has(frame.event)) this._emit(frame.event, frame.payload, frame);
    }
  }

  _emit(event, payload, frame) {
    const set = this._handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(payload, frame);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  _failPending(message, code, reason) {
    for (const [id, pending] of this._pending) {
      clearTimeout(pending.timer);
      pending.reject(new GatewayConnectionError(pending.method, `${pending.method}: ${message}`, code, reason));
      this._pending.delete(id);
    }
  }
}
