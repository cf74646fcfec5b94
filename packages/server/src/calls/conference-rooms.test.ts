import { afterEach, describe, expect, it } from 'vitest';
import type { MediaSession } from '../telephony/backend.js';
import { bindInProcess } from '../telephony/media/bound-port.js';
import { RtpPorts } from '../telephony/media/index.js';
import { MediaWorkerPool } from '../telephony/media/worker/media-pool.js';
import type { WorkerMediaSession } from '../telephony/media/worker/worker-session.js';
import { ConferenceRooms, type JoinInput } from './conference-rooms.js';

/**
 * The rooms of one process with real media sessions (in media workers and in-process), without SIP:
 * what each seat is told when the room cannot mix it or loses its mixer. The SIPp tests
 * (conference.test.ts) cover rooms as callers meet them.
 */
const RANGE: [number, number] = [35000, 35999];
const LOOPBACK = '127.0.0.1';

describe('conference rooms', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function open(where: MediaWorkerPool | 'in-process'): Promise<MediaSession> {
    const ports = new RtpPorts();
    const bound = where === 'in-process' ? await bindInProcess(ports, LOOPBACK, RANGE) : await where.bind(ports, LOOPBACK, RANGE);
    // Port 9 (discard): what the room sends is lost, which is all these tests need.
    const session = bound.start({ remote: { address: LOOPBACK, port: 9 } });
    cleanup.push(() => session.close());
    return session;
  }
  const seat = (media: MediaSession, callId: string, o: Partial<JoinInput> = {}): JoinInput => ({
    accountId: 'acct_A',
    name: 'standup',
    callId,
    media,
    muted: false,
    startOnEnter: true,
    endOnExit: false,
    now: new Date(),
    ...o,
  });

  it('ends a room whose mixer worker died: every seat is told mixer_lost, and the room is gone', async () => {
    const pool = new MediaWorkerPool({ size: 2 });
    cleanup.push(() => pool.terminate());
    const [a, b] = [await open(pool), await open(pool)];
    expect((a as WorkerMediaSession).place.worker).not.toBe((b as WorkerMediaSession).place.worker);
    const rooms = new ConferenceRooms();
    const seats = [rooms.join(seat(a, 'call_a')), rooms.join(seat(b, 'call_b'))];
    expect(rooms.list('acct_A')[0]).toMatchObject({ status: 'in_progress', participants: [{ call_id: 'call_a' }, { call_id: 'call_b' }] });

    await (a as WorkerMediaSession).place.worker.worker.terminate();
    const exits = await Promise.all(seats.map((s) => s.exited));
    expect(exits.map((e) => e.status === 'failed' && e.error)).toEqual(['mixer_lost', 'mixer_lost']);
    expect(rooms.list('acct_A')).toEqual([]);
  });

  it('refuses a seat whose media cannot join the room (another kind: as the drachtio backend) with conference_unsupported', async () => {
    const pool = new MediaWorkerPool({ size: 1 });
    cleanup.push(() => pool.terminate());
    const rooms = new ConferenceRooms();
    const first = rooms.join(seat(await open(pool), 'call_a'));
    const refused = rooms.join(seat(await open('in-process'), 'call_b'));
    expect(await refused.exited).toMatchObject({ status: 'failed', error: 'conference_unsupported' });
    // The room goes on for the one it could mix.
    expect(rooms.list('acct_A')[0]?.participants.map((p) => p.call_id)).toEqual(['call_a']);
    first.leave();
    expect(await first.exited).toEqual({ status: 'left' });
    expect(rooms.list('acct_A')).toEqual([]);
  });

  it('refuses a seat whose media is bridged with media_busy', async () => {
    const rooms = new ConferenceRooms();
    const [a, b] = [await open('in-process'), await open('in-process')];
    const unbridge = a.bridge(b);
    const refused = rooms.join(seat(a, 'call_a'));
    expect(await refused.exited).toMatchObject({ status: 'failed', error: 'media_busy' });
    expect(rooms.list('acct_A')).toEqual([]);
    unbridge();
  });

  it('keeps accounts apart and waits for a participant who starts the room', async () => {
    const rooms = new ConferenceRooms();
    const [a, b, c] = [await open('in-process'), await open('in-process'), await open('in-process')];
    const waiting = rooms.join(seat(a, 'call_a', { startOnEnter: false }));
    const elsewhere = rooms.join(seat(c, 'call_c', { accountId: 'acct_B' }));
    expect(rooms.list('acct_A')).toMatchObject([{ status: 'waiting', started_at: null }]);
    expect(rooms.find('acct_B', waiting.conferenceId)).toBeUndefined();
    expect(rooms.find('acct_A', elsewhere.conferenceId)).toBeUndefined();
    const chair = rooms.join(seat(b, 'call_b', { endOnExit: true }));
    expect(chair.conferenceId).toBe(waiting.conferenceId);
    expect(rooms.list('acct_A')).toMatchObject([{ status: 'in_progress' }]);
    chair.leave();
    expect(await waiting.exited).toEqual({ status: 'ended' });
    expect(rooms.list('acct_A')).toEqual([]);
    expect(rooms.list('acct_B')).toHaveLength(1);
    elsewhere.leave();
  });
});
