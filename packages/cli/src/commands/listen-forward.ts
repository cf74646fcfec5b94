import { CliError } from '../errors.js';
import { clockTime } from './live-common.js';
import { signHeaders } from '@prolope/webhooks';

/** The server gives a delivery 15 s; forwarding gives the local app the same. */
const TIMEOUT_MS = 15_000;

/**
 * One forwarded event: what the local app answered (`status`) or why it did not (`error`).
 *
 * @example
 * ```ts
 * const d: Delivery = { object: 'delivery', event_id: 'evt_1', type: 'call.completed', status: 200, latency_ms: 4, error: null };
 * ```
 */
export interface Delivery {
  object: 'delivery';
  event_id: string;
  type: string;
  status: number | null;
  latency_ms: number;
  error: string | null;
}

/**
 * Checks `--forward-to`: an absolute http(s) URL.
 *
 * @throws CliError `usage_error` otherwise, with the likely fix.
 * @example
 * ```ts
 * forwardTarget('http://localhost:4000/hooks').href; // 'http://localhost:4000/hooks'
 * ```
 */
export function forwardTarget(value: string): URL {
  if (/^[\w.-]+:\d+(\/|$)/.test(value)) {
    throw new CliError('usage_error', `--forward-to needs the scheme: http://${value}`);
  }
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || !/^https?:$/.test(url.protocol))
    throw new CliError('usage_error', `--forward-to must be an http(s) URL such as http://localhost:4000/hooks, got "${value}"`);
  return url;
}

function reasonOf(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  if (e?.name === 'AbortError') return 'stopped';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

/**
 * POSTs an event's exact payload to the local app with Standard Webhooks headers signed with
 * `secret`, as the server would deliver it. Redirects are not followed (the server does not either).
 * `stop` abandons the delivery (Ctrl+C should not wait for a hung app).
 *
 * @example
 * ```ts
 * const delivery = await forwardEvent(new URL('http://localhost:4000/hooks'), event, stream.raw(event), { secret, userAgent: 'prolope-cli/0.1.0' });
 * ```
 */
export async function forwardEvent(
  target: URL,
  event: { id: string; type: string },
  payload: string,
  opts: { secret: string; userAgent: string; stop?: AbortSignal },
): Promise<Delivery> {
  const { secret, userAgent } = opts;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...signHeaders({ id: event.id, payload, secret }) },
      body: payload,
      redirect: 'manual',
      signal: opts.stop ? AbortSignal.any([opts.stop, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { object: 'delivery', event_id: event.id, type: event.type, status: response.status, latency_ms: elapsed(), error: null };
  } catch (err) {
    return { object: 'delivery', event_id: event.id, type: event.type, status: null, latency_ms: elapsed(), error: reasonOf(err) };
  }
}

/**
 * The line `listen` prints for a delivery.
 *
 * @example
 * ```ts
 * deliveryLine(delivery); // '10:04:05  call.completed  evt_01J…  → 200 in 4 ms'
 * ```
 */
export function deliveryLine(delivery: Delivery, at: Date = new Date()): string {
  const outcome = delivery.status === null ? `error: ${delivery.error} after ${delivery.latency_ms} ms` : `${delivery.status} in ${delivery.latency_ms} ms`;
  return `${clockTime(at)}  ${delivery.type}  ${delivery.event_id}  → ${outcome}`;
}
