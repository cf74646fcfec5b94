import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endCall, markAnswered, openInboundCall } from '../calls/lifecycle.js';
import { systemClock } from '../clock.js';
import { fileRecordingStore } from '../store/object-store.js';
import { dbSnapshot } from '../test/db-snapshot.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { saveMessage, verifyPin } from './service.js';

describe.each(storeKinds)('voicemail boxes and messages (%s)', (kind) => {
  let t: TestServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-vm-'));
  beforeAll(async () => {
    t = await startTestServer(kind, {
      config: { dataDir, sipEnabled: false },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const db = () => t.server.store.db;
  // A message left the way the `voicemail` verb leaves one: a call, then its audio through the service.
  async function leave(accountId: string, boxId: string, seconds = 1.5) {
    const deps = { db: db(), clock: systemClock, secrets: t.server.secrets };
    const call = await openInboundCall(deps, { accountId, from: '+359888123456', to: '+35929000001', sipCallId: `vm-${Math.random()}`, trunkId: null, numberId: null });
    await endCall(deps, await markAnswered(deps, call), { by: 'caller', cause: 'normal' });
    const pcm = Int16Array.from({ length: seconds * 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    return saveMessage({ db: db(), clock: systemClock, recordings: fileRecordingStore(dataDir), publicUrl: t.url }, { accountId, boxId }, { id: call.id, from: call.from }, pcm);
  }

  it('creates a box with a hashed PIN that is never shown; verifyPin checks it', async () => {
    const c = await t.customer();
    const owner = (await c.api.post('/v1/sip-users', { username: 'alice', extension: '201' })).body.id;
    const res = await c.api.post('/v1/voicemail-boxes', {
      name: 'Alice',
      pin: '482916',
      sip_user_id: owner,
      email: 'alice@example.com',
      greetings: { unavailable: { type: 'tts', text: 'Alice is away. Leave a message.' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'voicemail_box',
      account_id: c.accountId,
      name: 'Alice',
      sip_user_id: owner,
      email: 'alice@example.com',
      max_message_seconds: 120,
      greetings: { unavailable: { type: 'tts', text: 'Alice is away. Leave a message.' }, busy: null, name: null },
    });
    expect(res.body.id).toMatch(/^vmb_/);
    expect(JSON.stringify(res.body)).not.toContain('482916');
    expect(res.body).not.toHaveProperty('pin');
    const row = await db().selectFrom('voicemail_boxes').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.pin_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(row)).not.toContain('482916');
    expect((await c.api.get(`/v1/voicemail-boxes/${res.body.id}`)).body).toEqual(res.body);
    expect((await c.api.get('/v1/voicemail-boxes')).body.data).toEqual([res.body]);

    expect(await verifyPin({ db: db() }, c.accountId, res.body.id, '482916')).toBe(true);
    expect(await verifyPin({ db: db() }, c.accountId, res.body.id, '482917')).toBe(false);
    const other = await t.customer();
    expect(await verifyPin({ db: db() }, other.accountId, res.body.id, '482916')).toBe(false);

    const patched = await c.api.patch(`/v1/voicemail-boxes/${res.body.id}`, {
      pin: '1234',
      max_message_seconds: 30,
      email: null,
      greetings: { busy: { type: 'tts', text: 'On the phone.', language: 'en' }, unavailable: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ max_message_seconds: 30, email: null, greetings: { unavailable: null, busy: { type: 'tts', text: 'On the phone.', language: 'en' }, name: null } });
    expect(await verifyPin({ db: db() }, c.accountId, res.body.id, '482916')).toBe(false);
    expect(await verifyPin({ db: db() }, c.accountId, res.body.id, '1234')).toBe(true);

    // Deleting the owner leaves the box without one.
    expect((await c.api.delete(`/v1/sip-users/${owner}`)).status).toBe(200);
    expect((await c.api.get(`/v1/voicemail-boxes/${res.body.id}`)).body.sip_user_id).toBeNull();
  });

  it('lists messages newest first, serves the WAV, marks heard, deletes; voicemail.message.created names each', async () => {
    const c = await t.customer();
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'Sales', pin: '0000' })).body;
    const first = await leave(c.accountId, box.id, 1.5);
    const second = await leave(c.accountId, box.id, 2);
    const list = await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((m: { id: string }) => m.id)).toEqual([second.id, first.id]);
    expect(list.body.data[1]).toMatchObject({
      object: 'voicemail_message',
      box_id: box.id,
      from: '+359888123456',
      duration_seconds: 2,
      size_bytes: 44 + 12_000 * 2,
      heard: false,
      media_url: `${t.url}/v1/voicemail-boxes/${box.id}/messages/${first.id}/media`,
    });
    const page = await c.api.get(`/v1/voicemail-boxes/${box.id}/messages?limit=1`);
    expect(page.body.has_more).toBe(true);

    const media = await fetch(`${t.url}/v1/voicemail-boxes/${box.id}/messages/${first.id}/media`, { headers: { authorization: `Bearer ${c.key}` } });
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await media.arrayBuffer());
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.length).toBe(44 + 12_000 * 2);

    const heard = await c.api.patch(`/v1/voicemail-boxes/${box.id}/messages/${first.id}`, { heard: true });
    expect(heard.body.heard).toBe(true);
    expect((await c.api.get(`/v1/voicemail-boxes/${box.id}/messages/${first.id}`)).body.heard).toBe(true);

    const events = await db().selectFrom('events').select(['type', 'object_id']).where('account_id', '=', c.accountId).where('type', '=', 'voicemail.message.created').orderBy('id').execute();
    expect(events.map((e) => e.object_id)).toEqual([first.id, second.id]);

    expect((await c.api.delete(`/v1/voicemail-boxes/${box.id}/messages/${first.id}`)).body).toEqual({ id: first.id, object: 'voicemail_message', deleted: true });
    expect((await c.api.get(`/v1/voicemail-boxes/${box.id}/messages/${first.id}/media`)).status).toBe(404);
    expect((await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data.map((m: { id: string }) => m.id)).toEqual([second.id]);

    // Deleting the box takes its messages and their audio.
    expect((await c.api.delete(`/v1/voicemail-boxes/${box.id}`)).body).toEqual({ id: box.id, object: 'voicemail_box', deleted: true });
    expect((await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).status).toBe(404);
    expect(await fileRecordingStore(dataDir).get(`${c.accountId}/${second.id}`)).toBeUndefined();
    expect(await db().selectFrom('voicemail_messages').select('id').where('box_id', '=', box.id).execute()).toEqual([]);
  });

  it('keeps accounts apart: another account gets 404 everywhere and an empty list, and cannot name another tenant’s user as owner', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const box = (await a.api.post('/v1/voicemail-boxes', { name: 'A', pin: '9999' })).body;
    const message = await leave(a.accountId, box.id);
    const theirUser = (await a.api.post('/v1/sip-users', { username: 'zed' })).body.id;
    const snapshot = async () => ({ ...(await dbSnapshot(db())), api_keys: '' });
    const before = await snapshot();
    expect((await b.api.get(`/v1/voicemail-boxes/${box.id}`)).status).toBe(404);
    expect((await b.api.patch(`/v1/voicemail-boxes/${box.id}`, { name: 'Mine' })).status).toBe(404);
    expect((await b.api.delete(`/v1/voicemail-boxes/${box.id}`)).status).toBe(404);
    expect((await b.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).status).toBe(404);
    expect((await b.api.get(`/v1/voicemail-boxes/${box.id}/messages/${message.id}`)).status).toBe(404);
    expect((await b.api.get(`/v1/voicemail-boxes/${box.id}/messages/${message.id}/media`)).status).toBe(404);
    expect((await b.api.patch(`/v1/voicemail-boxes/${box.id}/messages/${message.id}`, { heard: true })).status).toBe(404);
    expect((await b.api.delete(`/v1/voicemail-boxes/${box.id}/messages/${message.id}`)).status).toBe(404);
    expect((await b.api.get('/v1/voicemail-boxes')).body.data).toEqual([]);
    const owned = await b.api.post('/v1/voicemail-boxes', { name: 'B', pin: '1111', sip_user_id: theirUser });
    expect(owned.status).toBe(422);
    expect(owned.body).toMatchObject({ code: 'invalid_reference', param: '/body/sip_user_id' });
    // A message of one box is not reachable through another box of the same account either.
    expect(await snapshot()).toEqual(before);
    const otherBox = (await a.api.post('/v1/voicemail-boxes', { name: 'A2', pin: '9999' })).body;
    expect((await a.api.get(`/v1/voicemail-boxes/${otherBox.id}/messages/${message.id}`)).status).toBe(404);
  });

  it('needs pbx:write to change boxes and messages and pbx:read to read them', async () => {
    const c = await t.customer();
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'S', pin: '1234' })).body;
    const message = await leave(c.accountId, box.id);
    const reader = t.client((await c.api.post('/v1/api-keys', { name: 'pbx read', scopes: ['pbx:read'] })).body.secret);
    const numbers = t.client((await c.api.post('/v1/api-keys', { name: 'numbers', scopes: ['numbers:write', 'numbers:read'] })).body.secret);
    for (const res of [
      await reader.post('/v1/voicemail-boxes', { name: 'x', pin: '1234' }),
      await reader.patch(`/v1/voicemail-boxes/${box.id}`, { name: 'x' }),
      await reader.delete(`/v1/voicemail-boxes/${box.id}`),
      await reader.patch(`/v1/voicemail-boxes/${box.id}/messages/${message.id}`, { heard: true }),
      await reader.delete(`/v1/voicemail-boxes/${box.id}/messages/${message.id}`),
      await numbers.get('/v1/voicemail-boxes'),
      await numbers.get(`/v1/voicemail-boxes/${box.id}`),
      await numbers.get(`/v1/voicemail-boxes/${box.id}/messages`),
      await numbers.get(`/v1/voicemail-boxes/${box.id}/messages/${message.id}/media`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_scope');
    }
    expect((await reader.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data).toHaveLength(1);
    expect((await reader.get(`/v1/voicemail-boxes/${box.id}/messages/${message.id}/media`)).status).toBe(200);
  });

  it('answers bad input with problem+json and writes nothing', async () => {
    const c = await t.customer();
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'K', pin: '1234' })).body;
    const message = await leave(c.accountId, box.id);
    const before = await dbSnapshot(db());
    const creates: unknown[] = [
      {},
      { name: 'x' },
      { pin: '1234' },
      { name: 'x', pin: '123' },
      { name: 'x', pin: '12345678901' },
      { name: 'x', pin: 1234 },
      { name: 'x', pin: '12a4' },
      { name: '', pin: '1234' },
      { name: 'x', pin: '1234', max_message_seconds: 4 },
      { name: 'x', pin: '1234', max_message_seconds: 601 },
      { name: 'x', pin: '1234', email: 'not an email' },
      { name: 'x', pin: '1234', sip_user_id: 'bob' },
      { name: 'x', pin: '1234', greetings: { unavailable: { type: 'audio', audio_id: 'aud_1' } } },
      { name: 'x', pin: '1234', greetings: { unavailable: { type: 'tts', text: '' } } },
      { name: 'x', pin: '1234', greetings: { holiday: null } },
      { name: 'x', pin: '1234', pin_hash: 'scrypt$x$y' },
      null,
      'box',
    ];
    for (const body of creates) {
      const res = await c.api.post('/v1/voicemail-boxes', body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      expect(String(res.headers.get('content-type'))).toContain('application/problem+json');
    }
    for (const body of [{}, { pin: '12' }, { id: 'vmb_x' }, { name: null }, { max_message_seconds: 1.5 }]) {
      const res = await c.api.patch(`/v1/voicemail-boxes/${box.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    for (const body of [{}, { heard: 'yes' }, { heard: true, from: '+1' }]) {
      const res = await c.api.patch(`/v1/voicemail-boxes/${box.id}/messages/${message.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await c.api.get('/v1/voicemail-boxes/vmb_doesnotexist')).status).toBe(404);
    expect((await c.api.get('/v1/voicemail-boxes/not-an-id')).status).toBe(400);
    expect((await c.api.get(`/v1/voicemail-boxes/${box.id}/messages/not-an-id`)).status).toBe(400);
    expect(await dbSnapshot(db())).toEqual(before);
  });
});
