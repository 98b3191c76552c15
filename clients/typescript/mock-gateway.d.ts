// Types of mock-gateway.js.

export interface MockGateway {
  /** `ws://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Ids of the requests clients cancelled (cancel frames received). */
  readonly cancelled: string[];
  /** Sends an event to every connected client; `seq` overrides the next sequence number. */
  emit(event: string, payload: unknown, seq?: number): void;
  /** Closes every connection (1012) and the server. */
  close(): Promise<void>;
}

export interface MockGatewayOptions {
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** When set, `auth.token` must equal it. */
  token?: string;
  /** Default: examples.json beside mock-gateway.js. */
  examples?: unknown;
}

export declare function startMockGateway(options?: MockGatewayOptions): Promise<MockGateway>;
export declare function loadExamples(path?: string | URL): unknown;
