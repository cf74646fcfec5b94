import { beforeAll, describe, expect, it } from 'vitest';
import { decodePcma, encodePcma, tone, writeWav8k } from '../telephony/media/index.js';
import { eventually, explain, type rtpPeer as RtpPeerFn, rtpPeer, scenario } from '../test/call-fixtures.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { type CallSuite, callSuite, pbxCallArgs } from '../test/call-suite.js';
import { pbxTrunk } from '../test/pbx-fixtures.js';
import { requireSipp, runSipp, SIPP, type SippRun } from '../test/sipp.js';

/**
 * The `conference` verb end to end: SIPp PBX callers on a trunk call numbers whose application puts
 * them in a room; their RTP goes to this test's sockets, so it hears what each caller is sent. No
 * assertion counts time: each waits until enough packets arrived.
 */
requireSipp('conference');

type Peer = Awaited<ReturnType<typeof RtpPeerFn>>;
type Room = { id: string; name: string; status: string; participants: Array<{ call_id: string }> };

/** 160-byte A-law frames of a tone. */
function frames(hz: number, count: number): Uint8Array[] {
  const pcm = encodePcma(tone(hz, count * 20, 0.4));
  return Array.from({ length: count }, (_, i) => pcm.subarray(i * 160, (i + 1) * 160));
}

/** A PCMA packet carrying speech-loud audio (the mix of a silent room decodes to a few units at most). */
const loud = (p: Peer['packets'][number]) => p.pt === 8 && decodePcma(p.payload).some((s) => Math.abs(s) > 2000);

describe.skipIf(!SIPP).each(storeKinds)('conference verb (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'conf', numberBase: 8_800_000 });
  const { numberAnswering } = suite;
  let t: TestServer;
  let c: CallSuite['c'];
  let app: CallSuite['app'];
  let sipPort: number;
  beforeAll(() => {
    ({ t, c, app, sipPort } = suite);
    // A quiet greeting before each room: a room sends only while someone speaks, and its callers'
    // sockets learn Prolope's media address from the first packet they get.
    app.routes.set('/hello.wav', writeWav8k(tone(440, 200, 0.01)));
  });
  /** The verbs for a number: the greeting, then the room. */
  const enter = (conference: Record<string, unknown>) => [
    { verb: 'play', url: `${app.base}/hello.wav` },
    { verb: 'conference', ...conference },
  ];

  const call = (number: string, peer: Peer, args = suite.auth(number, { rtpport: peer.port, codec: '8' })) =>
    runSipp(scenario('live-control.xml'), number, sipPort, args);
  const rooms = async (api = c.api) => (await api.get('/v1/conferences')).body.data as Room[];
  const liveCalls = async (number: string) =>
    ((await c.api.get('/v1/calls')).body.data as Array<Record<string, any>>).filter((x) => x.to === number && x.status === 'in_progress');
  const hangup = async (id: string, api = c.api) => expect((await api.post(`/v1/calls/${id}/actions/hangup`)).status).toBe(200);
  const sourceOf = (p: Peer) =>
    eventually(
      async () => p.source(),
      (s) => s !== undefined,
    ) as Promise<{ address: string; port: number }>;
  const expectRan = async (runs: Array<Promise<SippRun>>) => {
    for (const run of await Promise.all(runs)) expect(run.code, explain(run)).toBe(0);
  };

  it('mixes three callers of one room: each hears the others; one leaves; the room ends when the last leaves', async () => {
    const number = await numberAnswering('room', enter({ name: 'standup' }));
    const peers = [await rtpPeer(), await rtpPeer(), await rtpPeer()];
    try {
      const runs = peers.map((p) => call(number, p));
      const [room] = await eventually(rooms, (r) => r[0]?.participants.length === 3);
      expect(room).toMatchObject({ object: 'conference', name: 'standup', status: 'in_progress' });
      expect(await rooms()).toHaveLength(1);
      const sources = await Promise.all(peers.map(sourceOf));

      // Each caller speaks in turn: the two others hear it.
      for (const [i, speaker] of peers.entries()) {
        const marks = peers.map((p) => p.packets.length);
        await speaker.sendFrames(sources[i]!, frames(400 + 300 * i, 50));
        for (const [j, listener] of peers.entries()) {
          if (j === i) continue;
          const heard = await eventually(
            async () => listener.packets.slice(marks[j]).filter(loud).length,
            (n) => n >= 20,
          );
          expect(heard, `caller ${j} hears caller ${i}`).toBeGreaterThanOrEqual(20);
        }
      }

      // One leaves (hung up through the API): the room goes on with two.
      const calls = await eventually(
        () => liveCalls(number),
        (l) => l.length === 3,
      );
      await hangup(calls[0]!.id);
      const [left] = await eventually(rooms, (r) => r[0]?.participants.length === 2);
      expect(left?.id).toBe(room?.id);
      expect(left?.participants.map((p) => p.call_id)).not.toContain(calls[0]!.id);

      // The last two leave: the room is gone.
      await hangup(calls[1]!.id);
      await hangup(calls[2]!.id);
      expect(await eventually(rooms, (r) => r.length === 0)).toEqual([]);
      const gone = await c.api.get(`/v1/conferences/${room?.id}`);
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe('not_found');
      await expectRan(runs);
    } finally {
      for (const p of peers) p.socket.close();
    }
  });

  it('keeps two accounts apart: the same room name is two rooms, neither hears nor sees the other', async () => {
    const number = await numberAnswering('lobby', enter({ name: 'lobby' }));
    // A second account with its own PBX trunk, number and application naming the same room.
    const other = await t.customer();
    const [otherFrom, otherNumber] = [suite.fresh(), suite.fresh()];
    for (const n of [otherFrom, otherNumber]) {
      const stock = await t.operator.post('/v1/number-inventory', {
        numbers: [{ number: n, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
      });
      expect(stock.status).toBe(201);
      expect((await other.api.post('/v1/numbers', { number: n })).status).toBe(201);
    }
    app.routes.set('/voice/other-lobby', enter({ name: 'lobby' }));
    expect((await other.api.patch(`/v1/numbers/${otherNumber}`, { voice: { url: `${app.base}/voice/other-lobby` } })).status).toBe(200);
    const otherPbx = { username: `${suite.username}-other`, password: suite.password };
    await pbxTrunk(other.api, { ...otherPbx, callerIds: [otherFrom] });

    const [ours, listener, theirs] = [await rtpPeer(), await rtpPeer(), await rtpPeer()];
    try {
      const runs = [
        call(number, ours),
        call(number, listener),
        call(otherNumber, theirs, pbxCallArgs(otherNumber, { sipPort, ...otherPbx, from: otherFrom, rtpport: theirs.port, codec: '8' })),
      ];
      const [mine] = await eventually(rooms, (r) => r[0]?.participants.length === 2);
      const [their] = await eventually(
        () => rooms(other.api),
        (r) => r[0]?.participants.length === 1,
      );
      expect(mine?.name).toBe('lobby');
      expect(their?.name).toBe('lobby');
      expect(their?.id).not.toBe(mine?.id);
      expect(await rooms()).toHaveLength(1);
      expect((await other.api.get(`/v1/conferences/${mine?.id}`)).status).toBe(404);
      expect((await c.api.get(`/v1/conferences/${their?.id}`)).status).toBe(404);

      // Our caller speaks: our other caller hears it, theirs (in a room of the same name) hears none of it.
      const [ourSource] = await Promise.all([sourceOf(ours), sourceOf(listener), sourceOf(theirs)]);
      const [mark, theirMark] = [listener.packets.length, theirs.packets.length];
      await ours.sendFrames(ourSource, frames(700, 50));
      const heard = await eventually(
        async () => listener.packets.slice(mark).filter(loud).length,
        (n) => n >= 20,
      );
      expect(heard).toBeGreaterThanOrEqual(20);
      expect(theirs.packets.slice(theirMark).filter(loud)).toEqual([]);

      const otherCall = ((await other.api.get('/v1/calls')).body.data as Array<{ id: string; to: string }>).find((x) => x.to === otherNumber);
      await hangup(otherCall!.id, other.api);
      for (const live of await liveCalls(number)) await hangup(live.id);
      await expectRan(runs);
      expect(await eventually(rooms, (r) => r.length === 0)).toEqual([]);
    } finally {
      for (const p of [ours, listener, theirs]) p.socket.close();
    }
  });

  it('waits for a participant who starts the room, ends it for all when one with end_on_exit leaves, and tells action_url', async () => {
    const waiter = await numberAnswering('board-waiter', [{ verb: 'conference', name: 'board', start_on_enter: false, action_url: `${app.base}/board-left` }]);
    const chair = await numberAnswering('board-chair', enter({ name: 'board', end_on_exit: true, muted: false }));
    app.routes.set('/board-left', [{ verb: 'hangup' }]);
    const [w, ch] = [await rtpPeer(), await rtpPeer()];
    try {
      const waiting = call(waiter, w);
      const [room] = await eventually(rooms, (r) => r[0]?.participants.length === 1);
      expect(room).toMatchObject({ name: 'board', status: 'waiting', started_at: null });
      const chairing = call(chair, ch);
      const [started] = await eventually(rooms, (r) => r[0]?.participants.length === 2);
      expect(started).toMatchObject({ id: room?.id, status: 'in_progress' });

      // The chair leaves: the room ends, the waiter's action_url hears why, and its answer hangs up.
      const [chairCall] = await eventually(
        () => liveCalls(chair),
        (l) => l.length === 1,
      );
      await hangup(chairCall!.id);
      const posted = await eventually(
        async () => app.requests.filter((r) => r.path === '/board-left'),
        (r) => r.length > 0,
      );
      expect(posted[0]?.body).toMatchObject({ conference_status: 'ended', conference_id: room?.id });
      expect(posted[0]?.body.conference_duration_seconds).toBeGreaterThanOrEqual(0);

      // Each call's events tell when it joined and left, and why.
      const waiterId = posted[0]?.body.call_id as string;
      const events = async (id: string) => (await c.api.get(`/v1/events?object_id=${id}`)).body.data as Array<{ type: string; data: any }>;
      const left = (
        await eventually(
          () => events(waiterId),
          (e) => e.some((x) => x.type === 'call.conference.left'),
        )
      ).find((x) => x.type === 'call.conference.left');
      expect(left?.data).toMatchObject({ conference_id: room?.id, conference_name: 'board', reason: 'ended' });
      const chairEvents = await eventually(
        () => events(chairCall!.id),
        (e) => e.some((x) => x.type === 'call.conference.left'),
      );
      expect(chairEvents.find((x) => x.type === 'call.conference.joined')?.data).toMatchObject({ conference_id: room?.id, conference_name: 'board' });
      expect(chairEvents.find((x) => x.type === 'call.conference.left')?.data).toMatchObject({ reason: 'hangup' });
      await expectRan([waiting, chairing]);
      expect(await rooms()).toEqual([]);
    } finally {
      w.socket.close();
      ch.socket.close();
    }
  });

  it('takes the caller out after time_limit_seconds and tells action_url', async () => {
    const number = await numberAnswering('brief', enter({ name: 'brief', time_limit_seconds: 1, action_url: `${app.base}/brief-left` }));
    app.routes.set('/brief-left', [{ verb: 'hangup' }]);
    const p = await rtpPeer();
    try {
      const run = call(number, p);
      const posted = await eventually(
        async () => app.requests.filter((r) => r.path === '/brief-left'),
        (r) => r.length > 0,
      );
      expect(posted[0]?.body).toMatchObject({ conference_status: 'time_limit' });
      expect(posted[0]?.body.conference_id).toMatch(/^conf_/);
      expect(posted[0]?.body.conference_duration_seconds).toBeGreaterThanOrEqual(1);
      await expectRan([run]);
      expect(await eventually(rooms, (r) => r.length === 0)).toEqual([]);
    } finally {
      p.socket.close();
    }
  });

  it('lists rooms only with calls:read', async () => {
    const key = (await c.api.post('/v1/api-keys', { name: 'numbers only', scopes: ['numbers:read'] })).body.secret as string;
    const res = await t.client(key).get('/v1/conferences');
    expect(res.status).toBe(403);
    expect((await t.client(key).get('/v1/conferences/conf_01JBX2V6Q6M4ZK3N8P9R7S5T2W')).status).toBe(403);
    expect((await c.api.get('/v1/conferences/conf_01JBX2V6Q6M4ZK3N8P9R7S5T2W')).status).toBe(404);
  });
});
