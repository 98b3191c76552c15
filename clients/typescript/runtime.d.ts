// Types of runtime.js, the hand-written transport under the generated client.

/** An event frame as the gateway sends it. */
export interface GatewayEventFrame {
  type: "event";
  event: string;
  payload?: unknown;
  /** Per-connection sequence number of broadcast events; a jump emits `gap`. */
  seq?: number;
  stateVersion?: Record<string, number>;
}

export interface GatewayClientOptions {
  /** `ws://host:port` or `wss://…`. */
  url: string;
  /** The gateway's shared token (`auth.token`). */
  token?: string;
  /** The gateway's password (`auth.password`), when it is configured for passwords. */
  password?: string;
  /** Lowest protocol version offered; default 3. */
  minProtocol?: number;
  /** Highest protocol version offered; default 4. */
  maxProtocol?: number;
  /** Per-request timeout; default 30000. After it the request is cancelled. */
  requestTimeoutMs?: number;
  /** Time allowed for opening the socket and the handshake; default 10000. */
  connectTimeoutMs?: number;
  /** How long to wait for `connect.challenge` before connecting anyway; default 750. */
  challengeTimeoutMs?: number;
  /** `client` of `connect`; defaults: id `gateway-client`, mode `backend`, the platform, version `0.1.0`. */
  client?: { id?: string; version?: string; platform?: string; mode?: string; displayName?: string; instanceId?: string };
  /** Default `operator`. */
  role?: string;
  /** Default `["operator.read", "operator.write"]`; `operator.admin` for sessions.patch/delete. */
  scopes?: string[];
  caps?: string[];
  /** Reconnect after a lost connection (default true), with jittered exponential backoff. */
  reconnect?: boolean;
  /** First backoff ceiling; default 250 ms (each delay is random in [ceiling/2, ceiling]). */
  reconnectInitialDelayMs?: number;
  /** Largest backoff ceiling; default 10000 ms. */
  reconnectMaxDelayMs?: number;
  /** A WebSocket constructor, when the platform has none. */
  WebSocket?: unknown;
}

export interface RequestOptions {
  /** This request's timeout, instead of `requestTimeoutMs`. */
  timeoutMs?: number;
}

/** A failed request: the gateway's `error` object, or a local failure (subclasses). */
export declare class GatewayRequestError extends Error {
  /** `INVALID_REQUEST`, `UNAVAILABLE`, …; `TIMEOUT` and `CONNECTION_LOST` for local failures. */
  readonly code: string;
  readonly details: unknown;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** The method of the failed request. */
  readonly method: string | undefined;
  /** `details.code`: what exactly went wrong (`AUTH_TOKEN_MISMATCH`, …). */
  readonly detailCode: string | undefined;
  constructor(error?: { code?: string; message?: string; details?: unknown; retryable?: boolean; retryAfterMs?: number }, method?: string);
}

/** No response in time; a `cancel` frame was sent. */
export declare class GatewayTimeoutError extends GatewayRequestError {
  readonly code: "TIMEOUT";
  readonly timeoutMs: number;
}

/** Not connected, or the connection closed before the response. */
export declare class GatewayConnectionError extends GatewayRequestError {
  readonly code: "CONNECTION_LOST";
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;
}

export interface LocalEvents {
  /** A handshake succeeded (the first or after a reconnect): the `hello-ok` payload. */
  open: any;
  /** The connection closed; `reconnecting` says whether the client will try again. */
  close: { code: number; reason: string; reconnecting: boolean; error?: GatewayRequestError };
  /** A reconnect is scheduled. */
  reconnecting: { attempt: number; delayMs: number };
  /** Event frames were skipped on this connection (`seq` jumped). */
  gap: { expected: number; received: number };
}

export declare class GatewayClient {
  constructor(options: GatewayClientOptions);
  readonly options: Required<Pick<GatewayClientOptions, "url">> & GatewayClientOptions;
  readonly state: "idle" | "connecting" | "open" | "reconnecting" | "closed";
  /** `hello-ok` of the current connection. */
  readonly hello: any;
  /** The negotiated protocol version. */
  readonly protocol: number | undefined;
  start(): Promise<any>;
  close(): void;
  request(method: string, params?: unknown, options?: RequestOptions): Promise<any>;
  on<E extends keyof LocalEvents>(event: E, handler: (payload: LocalEvents[E]) => void): () => void;
  on(event: string, handler: (payload: any, frame: GatewayEventFrame) => void): () => void;
  waitFor(event: string, predicate?: (payload: any) => boolean, timeoutMs?: number): Promise<any>;
}
