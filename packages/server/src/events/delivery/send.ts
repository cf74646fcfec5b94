import { signHeaders } from '@prolope/webhooks';
import { Agent, request } from 'undici';
import type { UrlPolicy } from '../../http/url-policy.js';
import { guardedConnector, RefusedAddressError } from '../../http/ssrf-guard.js';

/** The snippet kept with each attempt (the spec's maxLength), enough to see what an endpoint said. */
export const SNIPPET_BYTES = 1024;

export interface SendRequest {
  url: string;
  eventId: string;
  /** The event row's payload, sent and signed byte for byte as stored. */
  payload: string;
  /** The current secret, and the previous one during a rotation. */
  secrets: string[];
  /** The signature's timestamp. */
  now: Date;
  /** Default Prolope-Webhooks/1; status callbacks keep their own. */
  userAgent?: string | undefined;
}

export interface SendResult {
  responseStatus: number | null;
  retryAfter: string | undefined;
  latencyMs: number;
  snippet: string | null;
  error: string | null;
  /** Cut short because the worker is stopping: not the endpoint's doing, so not recorded. */
  interrupted: boolean;
}

export interface Sender {
  send(req: SendRequest, stop: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

type NetError = Error & { code?: string; errors?: NetError[]; cause?: NetError };

function describe(err: unknown, timedOut: boolean, timeoutMs: number): string {
  const timeout = `timeout after ${timeoutMs / 1000} s`;
  if (timedOut) return timeout;
  const e = err as NetError;
  if (e instanceof RefusedAddressError || e?.cause instanceof RefusedAddressError) return (e.cause ?? e).message;
  // net.connect racing IPv4 and IPv6 reports an AggregateError whose parts carry the codes.
  const found = e?.code ?? e?.errors?.[0]?.code ?? e?.cause?.code;
  // An AbortError is a DOMException, whose code is a number.
  const code = typeof found === 'string' ? found : undefined;
  if (code && TIMEOUT_CODES.has(code)) return timeout;
  if (code === 'UND_ERR_SOCKET') return `connection closed: ${e.message}`;
  if (code?.startsWith('E')) return code;
  return e?.message || String(err);
}

async function readSnippet(body: AsyncIterable<Buffer>): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      // Leaving the loop destroys the rest of a large answer instead of reading it all.
      if (size >= SNIPPET_BYTES) break;
    }
  } catch {
    // The status already decided the try; a body cut off midway only shortens the snippet.
  }
  if (size === 0) return null;
  return Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
}

/**
 * Posts deliveries with undici through an agent whose connections pass the SSRF guard. undici's
 * request() never follows redirects, and one deadline covers connecting, the answer's headers and
 * the snippet.
 */
export function createSender(opts: { policy: UrlPolicy; timeoutMs: number }): Sender {
  const { timeoutMs } = opts;
  const agent = new Agent({ connect: guardedConnector(opts.policy, timeoutMs), keepAliveTimeout: 4_000 });
  return {
    async send(req, stop) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      // One controller per send, for the deadline and for stop(): listeners are removed when the
      // send ends, where AbortSignal.any would tie every send to the worker's long-lived signal.
      const abort = new AbortController();
      let timedOut = false;
      const deadline = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, timeoutMs);
      const onStop = () => abort.abort();
      stop.addEventListener('abort', onStop, { once: true });
      const headers = {
        'content-type': 'application/json',
        'user-agent': req.userAgent ?? 'Prolope-Webhooks/1',
        // No secret (a status callback whose number has no voice application): sent unsigned.
        ...(req.secrets.length > 0 ? signHeaders({ id: req.eventId, payload: req.payload, secret: req.secrets, timestamp: req.now }) : {}),
      };
      try {
        const res = await request(req.url, {
          dispatcher: agent,
          method: 'POST',
          headers,
          body: req.payload,
          signal: abort.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const snippet = await readSnippet(res.body);
        const header = (name: string) => {
          const v = res.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        const location = res.statusCode >= 300 && res.statusCode < 400 ? header('location') : undefined;
        return {
          responseStatus: res.statusCode,
          retryAfter: header('retry-after'),
          latencyMs: elapsed(),
          snippet,
          error: location ? `redirect to ${location} not followed` : null,
          interrupted: false,
        };
      } catch (err) {
        return {
          responseStatus: null,
          retryAfter: undefined,
          latencyMs: elapsed(),
          snippet: null,
          error: describe(err, timedOut, timeoutMs),
          interrupted: stop.aborted && !timedOut,
        };
      } finally {
        clearTimeout(deadline);
        stop.removeEventListener('abort', onStop);
      }
    },
    close: () => agent.destroy(),
  };
}
