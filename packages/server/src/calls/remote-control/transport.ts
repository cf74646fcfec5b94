/**
 * How one server process sends a live action to the process holding the call and gets its answer.
 * Payloads are opaque ASCII text (sealed envelopes, envelope.ts); PostgreSQL LISTEN/NOTIFY and NATS
 * carry them (pg-transport.ts, nats-transport.ts).
 */
export interface ControlTransport {
  readonly kind: 'postgres' | 'nats';
  /** Answers the requests addressed to this node with `handle`'s result. */
  serve(handle: (payload: string) => Promise<string>): Promise<void>;
  /** Sends `payload` to node `to` and resolves with its answer; rejects with NodeUnreachable otherwise. */
  request(to: string, payload: string, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

/** The holder did not answer: nothing listens for it (NATS says so at once) or no answer came in time. */
export class NodeUnreachable extends Error {
  constructor(
    readonly node: string,
    why: string,
  ) {
    super(`node ${node} did not answer: ${why}`);
    this.name = 'NodeUnreachable';
  }
}
