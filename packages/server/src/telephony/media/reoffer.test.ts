import { describe, expect, it } from 'vitest';
import type { MediaSession, ReofferAnswer } from '../backend.js';
import { followReoffers } from './reoffer.js';

const offer = (o: { ip?: string; port?: number; direction?: string; codec?: string } = {}) =>
  [
    'v=0',
    'o=pbx 1 2 IN IP4 192.0.2.10',
    's=-',
    `c=IN IP4 ${o.ip ?? '192.0.2.10'}`,
    't=0 0',
    `m=audio ${o.port ?? 40000} RTP/AVP ${o.codec ?? '8'} 101`,
    'a=rtpmap:101 telephone-event/8000',
    'a=ptime:20',
    ...(o.direction ? [`a=${o.direction}`] : []),
    '',
  ].join('\r\n');

/** A media session that only records where it was pointed (the rest is never called here). */
function pointedMedia() {
  const remotes: Array<{ address: string; port: number }> = [];
  const media = {
    local: { address: '127.0.0.1', port: 30000 },
    setRemote: (r: { address: string; port: number }) => void remotes.push({ ...r }),
  } as unknown as MediaSession;
  return { media, remotes };
}

function follow() {
  let handler: ((sdp: string) => ReofferAnswer) | undefined;
  const { media, remotes } = pointedMedia();
  const origin = { sessionId: 42, version: 1 };
  const call = {
    onReoffer(h: (sdp: string) => ReofferAnswer) {
      handler = h;
    },
  };
  const hold = followReoffers(call, media, origin)!;
  const changes: boolean[] = [];
  hold.onChange((held) => changes.push(held));
  const reoffer = (sdp: string) => handler!(sdp);
  return { reoffer, hold, changes, remotes, origin };
}

const answerOf = (a: ReofferAnswer) => (a.ok ? a.answerSdp : `refused ${a.status}`);

describe('following re-INVITE offers', () => {
  it('answers sendonly with recvonly and inactive with inactive (hold), sendrecv with sendrecv (resume), keeping the o= id', () => {
    const { reoffer, hold, changes, origin } = follow();
    const held = answerOf(reoffer(offer({ direction: 'sendonly' })));
    expect(held).toContain('a=recvonly');
    expect(held).toMatch(/^o=prolope 42 2 IN IP4 127\.0\.0\.1$/m);
    expect(hold.held).toBe(true);
    expect(answerOf(reoffer(offer({ direction: 'inactive' })))).toContain('a=inactive');
    const resumed = answerOf(reoffer(offer({ direction: 'sendrecv' })));
    expect(resumed).toContain('a=sendrecv');
    expect(resumed).toMatch(/^o=prolope 42 4 /m);
    expect(hold.held).toBe(false);
    expect(changes).toEqual([true, false]);
    expect(origin.version).toBe(4);
  });

  it('takes c=0.0.0.0 as a hold (answered recvonly) without pointing the media at it', () => {
    const { reoffer, hold, remotes } = follow();
    expect(answerOf(reoffer(offer({ ip: '0.0.0.0' })))).toContain('a=recvonly');
    expect(hold.held).toBe(true);
    expect(remotes).toEqual([]);
  });

  it('points the media at a new address and port', () => {
    const { reoffer, remotes } = follow();
    expect(reoffer(offer({ ip: '198.51.100.7', port: 41000 })).ok).toBe(true);
    expect(remotes).toEqual([{ address: '198.51.100.7', port: 41000 }]);
  });

  it('refuses a codec change away from PCMA with 488 and changes nothing', () => {
    const { reoffer, hold, remotes, origin } = follow();
    const refused = reoffer(offer({ codec: '0', direction: 'sendonly' }));
    expect(refused).toMatchObject({ ok: false, status: 488 });
    expect(hold.held).toBe(false);
    expect(remotes).toEqual([]);
    expect(origin.version).toBe(1);
  });

  it('does nothing for a call whose backend does not follow re-offers', () => {
    expect(followReoffers({}, pointedMedia().media, { sessionId: 1, version: 1 })).toBeUndefined();
  });
});
