import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { CallEnd, DialAnswered, DialFailure, DialOptions, OutboundCall } from '../telephony/backend.js';
import type { OutboundRoute } from './outbound-route.js';

/** One route tried, and how it failed (none when it answered or is still ringing). */
export interface Attempt {
  route: OutboundRoute;
  failure?: DialFailure;
}

/** An outbound call over several routes, one after the other; `attempts` says which were tried. */
export interface CallInTurn extends OutboundCall {
  readonly attempts: readonly Attempt[];
}

export interface InTurnOptions {
  callId: string;
  /** E.164 (goes out as `sip:<to>@<route>`) or a SIP URI (sent as is). */
  to: string;
  fromUser: string;
  /** Each route rings at most this long. */
  ringTimeoutMs: number;
  log: { warn(obj: object, msg: string): void };
  /** Name resolution; default: the system resolver, IPv4 (the RTP side is IPv4 only). */
  resolve?: (host: string) => Promise<string>;
}

const resolveHost = async (host: string): Promise<string> => (isIP(host) ? host : (await lookup(host, { family: 4 })).address);

/**
 * Whether the next route may take over: the carrier answered 5xx, or nothing answered at all (no
 * response, unresolvable or unsendable), before anything rang. Once a route rang the callee (18x), or
 * they answered busy, no answer or refused, another carrier would only ring them again.
 */
function failsOver(f: DialFailure, rang: boolean): boolean {
  if (rang) return false;
  if (!f.local) return f.status >= 500 && f.status <= 599;
  return f.cause === 'no_response' || f.cause === 'unresolvable' || f.cause === 'send_failed' || f.cause === 'unusable';
}

/**
 * Places the call on the first route and moves to the next on a failover failure (like Twilio's or
 * Telnyx's carrier failover), with the same Call-ID, as a proxy forking in series would. Provisional
 * responses, the answer, hangup and the far end's BYE are those of the route in use.
 */
export function dialInTurn(dial: (o: DialOptions) => OutboundCall, routes: OutboundRoute[], o: InTurnOptions): CallInTurn {
  const progress: Array<(status: number) => void> = [];
  const ends: Array<(end: CallEnd) => void> = [];
  const attempts: Attempt[] = [];
  const resolve = o.resolve ?? resolveHost;
  let current: OutboundCall | undefined;
  let stopped = false;
  let rang = false;
  let ended: CallEnd | undefined;
  const canceled: DialFailure = { ok: false, status: 487, reason: 'cancelled', local: true, cause: 'canceled' };

  const outcome = (async (): Promise<DialAnswered | DialFailure> => {
    let last: DialFailure | undefined;
    for (const route of routes) {
      if (stopped) return canceled;
      const attempt: Attempt = { route };
      attempts.push(attempt);
      const result = await tryRoute(route);
      if (result.ok) return result;
      attempt.failure = result;
      last = result;
      if (stopped || !failsOver(result, rang)) return result;
      if (route !== routes[routes.length - 1])
        o.log.warn({ callId: o.callId, route: route.label, status: result.status, reason: result.reason }, 'outbound route failed; trying the next');
    }
    return last ?? canceled;
  })();

  async function tryRoute(route: OutboundRoute): Promise<DialAnswered | DialFailure> {
    if (route.unusable) return { ok: false, status: 503, reason: route.unusable, local: true, cause: 'unusable' };
    let address: string;
    try {
      address = await resolve(route.host);
    } catch (err) {
      return {
        ok: false,
        status: 503,
        reason: `${route.host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        local: true,
        cause: 'unresolvable',
      };
    }
    if (stopped) return canceled;
    const call = dial({
      callId: o.callId,
      // Full number with '+' in the Request-URI (terms 5.2); a SIP URI goes as given.
      requestUri: o.to.startsWith('sip:') ? o.to : `sip:${o.to}@${route.uriHost}`,
      destination: { address, port: route.port },
      fromUser: o.fromUser,
      ringTimeoutMs: o.ringTimeoutMs,
      credentials: route.credentials,
    });
    current = call;
    call.onProgress((status) => {
      rang = true;
      for (const l of progress) l(status);
    });
    call.onEnd((end) => {
      if (current !== call || ended) return;
      ended = end;
      for (const l of ends.splice(0)) l(end);
    });
    return call.outcome;
  }

  return {
    callId: o.callId,
    outcome,
    attempts,
    onProgress: (l) => void progress.push(l),
    onEnd(l) {
      const end = ended;
      // The far end's BYE can come before the session listens (right after the answer).
      if (end) queueMicrotask(() => l(end));
      else ends.push(l);
    },
    async hangup() {
      stopped = true;
      if (current) await current.hangup();
      else await outcome;
    },
  };
}
