import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { fileRecordingStore } from '../store/object-store.js';
import { decodePcma, digitToEvent, tone } from '../telephony/media/index.js';
import { eventually, explain, rtpPeer } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { phoneAwaitingHeard } from '../test/mwi-phone.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { saveMessage } from './service.js';

/**
 * The `*97` voicemail menu from a registered phone, end to end: SIPp places the call with the user's
 * digest credentials and a test RTP peer is the phone's media (it hears our prompts and the message,
 * and sends RFC 4733 keys). The message is a 1 kHz tone, so the peer can tell it from the TTS prompts;
 * each key goes out only once what it answers was heard (no sleeps). The owner's MWI subscription
 * (SIPp) must see `Messages-Waiting: no` once the only new message is saved.
 */
requireSipp('voicemail menu (*97)');
const MENU = fileURLToPath(new URL('./test-scenarios/menu-call.xml', import.meta.url));
/** Waits long enough for TTS prompts on a loaded machine: each try is 50 ms. */
const LONG = 2400;

/** Share of a 20 ms frame's energy at 1 kHz (Goertzel): near 1 for the message's tone, low for speech. */
function toneShare(pcm: Int16Array): number {
  const k = (2 * Math.cos((2 * Math.PI * 1000) / 8000)) as number;
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const x of pcm) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return total === 0 ? 0 : (2 * power) / (pcm.length * total);
}

/** Runs of at least ten tone frames (200 ms) in what the peer received: each is one playback of the message. */
function messagePlaybacks(peer: Awaited<ReturnType<typeof rtpPeer>>): number {
  let runs = 0;
  let streak = 0;
  for (const p of peer.packets) {
    if (p.pt !== 8) continue;
    const isTone = toneShare(decodePcma(p.payload)) > 0.8;
    streak = isTone ? streak + 1 : 0;
    if (streak === 10) runs++;
  }
  return runs;
}

describe.skipIf(!SIPP).each(storeKinds)('voicemail menu from a registered phone (%s)', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-vm-menu-'));
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: { dataDir } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function phoneWithMessage(ext: string) {
    const c = await t.customer();
    const user = (await c.api.post('/v1/sip-users', { username: ext, extension: ext })).body;
    const box = (await c.api.post('/v1/voicemail-boxes', { name: `Box ${ext}`, pin: '2468', sip_user_id: user.id })).body;
    const message = await saveMessage(
      { db: t.server.store.db, clock: systemClock, recordings: fileRecordingStore(dataDir), publicUrl: t.url, events: t.server.store.events },
      { accountId: c.accountId, boxId: box.id },
      { id: null, from: '+359888123456' },
      tone(1000, 3000),
    );
    return { c, user, box, message };
  }

  /** The user dials `code`; resolves with SIPp's run once we hung up. */
  async function dial(user: { username: string; password: string; domain: string }, code: string) {
    const peer = await rtpPeer();
    const run = runSipp(MENU, user.username, t.server.sipPort!, [
      ...['-au', user.username, '-ap', user.password, '-auth_uri', `${code}@${user.domain}`],
      ...['-set', 'domain', user.domain, '-set', 'touser', code, '-set', 'rtpport', String(peer.port)],
      // The whole menu runs inside SIPp's call: more than its 20 s default on a loaded machine.
      ...['-timeout', '180s'],
    ]);
    const from = await eventually(async () => peer.source(), (s) => s !== undefined, LONG);
    if (!from) throw new Error(`no audio from the menu\n${explain(await run)}`);
    const keys = async (digits: string) => {
      for (const d of digits) await peer.sendDigit(from, digitToEvent(d) as number);
    };
    const heard = async (playbacks: number) => {
      const n = await eventually(async () => messagePlaybacks(peer), (x) => x >= playbacks, LONG);
      expect(n).toBeGreaterThanOrEqual(playbacks);
    };
    return { peer, run, keys, heard };
  }

  it('*97: PIN, the message plays (non-silent), 2 saves it (heard) and the MWI says no new messages; the PIN is recorded nowhere', async () => {
    const { c, user, box, message } = await phoneWithMessage('201');
    const mwi = (await phoneAwaitingHeard(t, user, dataDir)).run;

    const phone = await dial(user, '*97');
    await phone.keys('2468#');
    await phone.heard(1);
    await phone.keys('2');
    const run = await phone.run;
    expect(run.code, explain(run)).toBe(0);
    const notified = await mwi;
    expect(notified.code, explain(notified)).toBe(0);

    const after = (await c.api.get(`/v1/voicemail-boxes/${box.id}/messages/${message.id}`)).body;
    expect(after.heard).toBe(true);
    const call = await eventually(
      async () => ((await c.api.get('/v1/calls')).body.data as Array<Record<string, any>>).find((x) => x.to === '*97'),
      (x) => x?.status === 'completed',
    );
    expect(call).toMatchObject({ from: '201', to: '*97', status: 'completed', hangup_by: 'callee' });
    const events = await t.server.store.db.selectFrom('events').select(['type', 'payload']).where('object_id', '=', call!.id).execute();
    expect(events.map((e) => e.type)).not.toContain('call.dtmf');
    expect(events.map((e) => e.type)).not.toContain('call.gather.completed');
    for (const e of events) expect(e.payload).not.toContain('2468');
  });

  it('*97: 1 replays the message, 3 deletes it (gone from the API)', async () => {
    const { c, user, box } = await phoneWithMessage('202');
    const phone = await dial(user, '*97');
    await phone.keys('2468#');
    await phone.heard(1);
    await phone.keys('1');
    await phone.heard(2);
    await phone.keys('3');
    const run = await phone.run;
    expect(run.code, explain(run)).toBe(0);
    expect((await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data).toEqual([]);
  });

  it('*97: three wrong PINs end the call and leave the box as it was; the message never plays', async () => {
    const { c, user, box, message } = await phoneWithMessage('203');
    const phone = await dial(user, '*97');
    await phone.keys('1111#1111#1111#');
    const run = await phone.run;
    expect(run.code, explain(run)).toBe(0);
    expect(messagePlaybacks(phone.peer)).toBe(0);
    const messages = (await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data as Array<Record<string, any>>;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ id: message.id, heard: false });
  });

  it('*98: the extension of another user’s box, then that box’s PIN; * exits leaving it unchanged', async () => {
    const { c, box, message } = await phoneWithMessage('204');
    const caller = (await c.api.post('/v1/sip-users', { username: '205', extension: '205' })).body;
    const phone = await dial(caller, '*98');
    await phone.keys('204#2468#');
    await phone.heard(1);
    await phone.keys('*');
    const run = await phone.run;
    expect(run.code, explain(run)).toBe(0);
    const after = (await c.api.get(`/v1/voicemail-boxes/${box.id}/messages/${message.id}`)).body;
    expect(after.heard).toBe(false);
  });

  it('*98 is scoped to the caller’s account: another account’s extension and PIN open nothing', async () => {
    const theirs = await phoneWithMessage('206');
    const c = await t.customer();
    const caller = (await c.api.post('/v1/sip-users', { username: '207', extension: '207' })).body;
    const phone = await dial(caller, '*98');
    await phone.keys('206#2468#206#2468#206#2468#');
    const run = await phone.run;
    expect(run.code, explain(run)).toBe(0);
    expect(messagePlaybacks(phone.peer)).toBe(0);
    const after = (await theirs.c.api.get(`/v1/voicemail-boxes/${theirs.box.id}/messages/${theirs.message.id}`)).body;
    expect(after.heard).toBe(false);
  });
});
