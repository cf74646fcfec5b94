import type { SecretBox } from '../../secrets/secret-box.js';

/**
 * What crosses the transport, sealed with the server key every process sharing the database holds
 * (AES-GCM, secrets/secret-box.ts): the caller's API key travels with the request, so nobody on the
 * NATS or PostgreSQL wire reads it, and nobody without the key forges an action. The context binds a
 * request to its target node and an answer to its request, so neither is replayed elsewhere.
 */
export interface ForwardedRequest {
  /** Unique per request; the answer is sealed for it. */
  rid: string;
  from: string;
  to: string;
  /** When it was sent (ms since the epoch, the sender's clock); stale requests are refused. */
  sentAt: number;
  method: string;
  url: string;
  authorization: string;
  body?: unknown;
}

/** The holder's HTTP answer, relayed as is. */
export interface ForwardedAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** How old a request may be when it arrives; far above any transport delay. */
export const MAX_AGE_MS = 60_000;

export function sealRequest(box: SecretBox, req: ForwardedRequest): string {
  return box.seal(JSON.stringify(req), `remote-control request to ${req.to}`);
}

/** @throws when the text is not a request sealed for `self` or it is stale. */
export function openRequest(box: SecretBox, self: string, sealed: string, now: number): ForwardedRequest {
  const req = JSON.parse(box.open(sealed, `remote-control request to ${self}`)) as ForwardedRequest;
  if (Math.abs(now - req.sentAt) > MAX_AGE_MS) throw new Error(`request ${req.rid} from ${req.from} is stale (sent ${now - req.sentAt} ms ago)`);
  return req;
}

export function sealAnswer(box: SecretBox, rid: string, answer: ForwardedAnswer): string {
  return box.seal(JSON.stringify(answer), `remote-control answer to ${rid}`);
}

export function openAnswer(box: SecretBox, rid: string, sealed: string): ForwardedAnswer {
  return JSON.parse(box.open(sealed, `remote-control answer to ${rid}`)) as ForwardedAnswer;
}
