import { describe, expect, it } from 'vitest';
import type { CallEnd, DialAnswered, DialFailure, DialOptions, OutboundCall } from '../telephony/backend.js';
import { dialInTurn } from './dial-in-turn.js';
import type { OutboundRoute } from './outbound-route.js';

/**
 * The order of attempts, with a scripted SIP side: the SIPp tests (carrier-calls.test.ts) show failover
 * over real SIP; these pin the rules at the edges SIPp cannot stage on cue (a hangup between routes,
 * a 503 after ringing, a BYE before anyone listens).
 */
const route = (name: string, port: number): OutboundRoute => ({
  label: `carrier ${name}`,
  peer: 'the carrier',
  host: '127.0.0.1',
  port,
  uriHost: `127.0.0.1:${port}`,
  trunkId: null,
  credentials: undefined,
});

/** A dial whose calls settle when the test says. */
function scripted() {
  const placed: Array<{
    opts: DialOptions;
    settle(o: DialAnswered | DialFailure): void;
    progress(status: number): void;
    end(e: CallEnd): void;
    hungUp: boolean;
  }> = [];
  const dial = (opts: DialOptions): OutboundCall => {
    let settle!: (o: DialAnswered | DialFailure) => void;
    const outcome = new Promise<DialAnswered | DialFailure>((r) => {
      settle = r;
    });
    const progress: Array<(s: number) => void> = [];
    const ends: Array<(e: CallEnd) => void> = [];
    const entry = {
      opts,
      settle,
      progress: (s: number) => {
        for (const l of progress) l(s);
      },
      end: (e: CallEnd) => {
        for (const l of ends) l(e);
      },
      hungUp: false,
    };
    placed.push(entry);
    return {
      callId: opts.callId,
      outcome,
      onProgress: (l) => void progress.push(l),
      onEnd: (l) => void ends.push(l),
      async hangup() {
        entry.hungUp = true;
        settle({ ok: false, status: 487, reason: 'cancelled', local: true, cause: 'canceled' });
        await outcome;
      },
    };
  };
  return { placed, dial };
}

const log = { warn: () => {} };
const options = { callId: 'c1@prolope', to: '+35929000001', fromUser: '+35929000002', ringTimeoutMs: 30_000, log };
const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setImmediate(r));
};

describe('dialInTurn', () => {
  it('moves to the next route after a 503, with the same Call-ID and that route in the Request-URI', async () => {
    const sip = scripted();
    const call = dialInTurn(sip.dial, [route('a', 5070), route('b', 5080)], options);
    await until(() => sip.placed.length === 1);
    expect(sip.placed[0]?.opts).toMatchObject({ requestUri: 'sip:+35929000001@127.0.0.1:5070', destination: { address: '127.0.0.1', port: 5070 } });
    sip.placed[0]?.settle({ ok: false, status: 503, reason: 'Service Unavailable', local: false });
    await until(() => sip.placed.length === 2);
    expect(sip.placed[1]?.opts).toMatchObject({ callId: 'c1@prolope', requestUri: 'sip:+35929000001@127.0.0.1:5080' });
    const heard: number[] = [];
    call.onProgress((s) => heard.push(s));
    sip.placed[1]?.progress(180);
    sip.placed[1]?.settle({ ok: true, media: {} as never });
    expect((await call.outcome).ok).toBe(true);
    expect(heard).toEqual([180]);
    expect(call.attempts.map((a) => [a.route.label, a.failure?.status])).toEqual([
      ['carrier a', 503],
      ['carrier b', undefined],
    ]);
    // The far end's BYE before the session listens still reaches it.
    sip.placed[1]?.end({ by: 'callee', cause: 'normal' });
    const ends: CallEnd[] = [];
    call.onEnd((e) => ends.push(e));
    await until(() => ends.length === 1);
    expect(ends).toEqual([{ by: 'callee', cause: 'normal' }]);
  });

  it('does not fail over once a route rang, nor after a hangup', async () => {
    const rang = scripted();
    const first = dialInTurn(rang.dial, [route('a', 5070), route('b', 5080)], options);
    await until(() => rang.placed.length === 1);
    rang.placed[0]?.progress(180);
    rang.placed[0]?.settle({ ok: false, status: 503, reason: 'Service Unavailable', local: false });
    expect(await first.outcome).toMatchObject({ ok: false, status: 503 });
    expect(rang.placed).toHaveLength(1);

    const hung = scripted();
    const second = dialInTurn(hung.dial, [route('a', 5070), route('b', 5080)], options);
    await until(() => hung.placed.length === 1);
    await second.hangup();
    expect(hung.placed[0]?.hungUp).toBe(true);
    expect(await second.outcome).toMatchObject({ ok: false, status: 487, cause: 'canceled' });
    expect(hung.placed).toHaveLength(1);
  });

  it('skips a route that cannot be used or resolved without dialling it, and ends with the last failure', async () => {
    const sip = scripted();
    const call = dialInTurn(
      sip.dial,
      [
        { ...route('sealed', 5060), unusable: 'its stored password cannot be read' },
        { ...route('gone', 5060), host: 'carrier.invalid' },
      ],
      {
        ...options,
        resolve: async (host) => {
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        },
      },
    );
    expect(await call.outcome).toEqual({ ok: false, status: 503, reason: 'carrier.invalid: ENOTFOUND', local: true, cause: 'unresolvable' });
    expect(call.attempts.map((a) => a.failure?.cause)).toEqual(['unusable', 'unresolvable']);
    expect(sip.placed).toEqual([]);
  });
});
