import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { dbSnapshot } from '../test/db-snapshot.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { readAlawWav } from './alaw-wav.js';
import { RIGHTS_DECLARATION_TEXT, RIGHTS_DECLARATION_VERSION } from './declaration.js';
import { holdMusicFor } from './hold-music.js';
import { fileServer, mp3, pcmWav, rms, sine } from './test-audio.js';

const declared = { accepted: true } as const;
// Encoding 11 minutes of MP3 in JavaScript takes seconds: once for both store kinds.
let elevenMinutesMp3: Buffer | undefined;
const longMp3 = () => (elevenMinutesMp3 ??= mp3(sine(8000, 11 * 60), 8000, 8));
const b64 = (bytes: Buffer) => bytes.toString('base64');

describe.each(storeKinds)('audio prompts (%s)', (kind) => {
  let t: TestServer;
  let files: Awaited<ReturnType<typeof fileServer>>;
  const served = new Map<string, Buffer>();
  beforeAll(async () => {
    t = await startTestServer(kind);
    files = await fileServer(served);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => files?.server.close(r));
  });

  const eventsOf = async (id: string) =>
    (await t.server.store.db.selectFrom('events').select(['type', 'account_id', 'payload']).where('object_id', '=', id).orderBy('id').execute()).map((e) => ({
      type: e.type,
      account_id: e.account_id,
      payload: JSON.parse(e.payload),
    }));
  const download = async (key: string, id: string) => {
    const res = await fetch(`${t.url}/v1/audio/${id}/media`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const keyIdOf = async (c: Awaited<ReturnType<TestServer['customer']>>) => (await c.api.get('/v1/api-keys')).body.data[0].id as string;

  it('uploads a WAV (44.1 kHz stereo) as base64, keeps it as 8 kHz A-law, and stores the terms 10.2 declaration with the key and time', async () => {
    const c = await t.customer();
    const wav = pcmWav(sine(44_100, 2), 44_100, 2);
    const res = await c.api.post('/v1/audio', { name: 'Main menu', content_base64: b64(wav), rights_declaration: declared });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const audio = res.body;
    expect(audio).toMatchObject({
      object: 'audio',
      account_id: c.accountId,
      name: 'Main menu',
      status: 'active',
      source_format: 'wav',
      duration_ms: 2000,
      takedown: null,
      media_url: `${t.url}/v1/audio/${audio.id}/media`,
      rights_declaration: { text: RIGHTS_DECLARATION_TEXT, version: RIGHTS_DECLARATION_VERSION, api_key_id: await keyIdOf(c), contact_id: null },
    });
    expect(audio.id).toMatch(/^aud_/);
    expect(audio.rights_declaration.accepted_at).toBe(audio.created_at);
    expect(RIGHTS_DECLARATION_TEXT).toContain('10.2');

    const file = await download(c.key, audio.id);
    expect(file.status).toBe(200);
    expect(file.type).toBe('audio/wav');
    expect(file.bytes.length).toBe(audio.size_bytes);
    const parsed = new wavefile.WaveFile(file.bytes);
    expect(parsed.fmt).toMatchObject({ audioFormat: 6, numChannels: 1, sampleRate: 8000, bitsPerSample: 8 });
    const samples = readAlawWav(file.bytes);
    expect(samples.length).toBe(16_000);
    // The tone survives resampling and A-law: amplitude 8000 is an RMS of about 5657.
    expect(rms(samples)).toBeGreaterThan(5000);
    expect(rms(samples)).toBeLessThan(6200);

    expect((await c.api.get(`/v1/audio/${audio.id}`)).body).toEqual(audio);
    expect((await c.api.get('/v1/audio')).body.data).toEqual([audio]);
    const events = await eventsOf(audio.id);
    expect(events.map((e) => e.type)).toEqual(['audio.created']);
    expect(events[0]?.payload.data.object).toEqual(audio);
  });

  it('uploads an MP3 by base64 and by URL (fetched under the SSRF rules), decoded with mpg123', async () => {
    const c = await t.customer();
    const small = mp3(sine(22_050, 1.5, 500), 22_050);
    const inline = await c.api.post('/v1/audio', { name: 'Short MP3', content_base64: b64(small), rights_declaration: declared });
    expect(inline.status, JSON.stringify(inline.body)).toBe(201);
    expect(inline.body.source_format).toBe('mp3');
    // The decoder's priming and padding add a frame or two, never more than 0.1 s here.
    expect(Math.abs(inline.body.duration_ms - 1500)).toBeLessThan(100);
    expect(rms(readAlawWav((await download(c.key, inline.body.id)).bytes))).toBeGreaterThan(4000);

    served.set('/long.mp3', mp3(sine(44_100, 20, 300), 44_100, 32));
    const byUrl = await c.api.post('/v1/audio', { name: 'Hold music', url: `${files.base}/long.mp3`, rights_declaration: declared });
    expect(byUrl.status, JSON.stringify(byUrl.body)).toBe(201);
    expect(byUrl.body).toMatchObject({ source_format: 'mp3', status: 'active' });
    expect(Math.abs(byUrl.body.duration_ms - 20_000)).toBeLessThan(100);
  });

  it('refuses an upload without the declaration, files that are not WAV or MP3, and audio over 10 minutes, writing nothing', async () => {
    const c = await t.customer();
    const wav = b64(pcmWav(sine(8000, 0.5), 8000));
    served.set('/eleven-minutes.wav', pcmWav(sine(8000, 11 * 60), 8000));
    served.set('/eleven-minutes.mp3', longMp3());
    served.set('/notes.txt', Buffer.from('these are not audio bytes at all'));
    served.set('/truncated.wav', pcmWav(sine(8000, 1), 8000).subarray(0, 30));
    // The key records when it was last used (once a minute); nothing else may change.
    const snapshot = async () => ({ ...(await dbSnapshot(t.server.store.db)), api_keys: '' });
    const before = await snapshot();
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'x', content_base64: wav }, 400, 'validation_failed'],
      [{ name: 'x', content_base64: wav, rights_declaration: { accepted: false } }, 400, 'validation_failed'],
      [{ name: 'x', content_base64: wav, rights_declaration: {} }, 400, 'validation_failed'],
      // Who declared is the key, never a name the body gives.
      [{ name: 'x', content_base64: wav, rights_declaration: { accepted: true, signer_name: 'Someone Else' } }, 400, 'unknown_field'],
      [{ name: 'x', rights_declaration: declared }, 400, 'validation_failed'],
      [{ name: 'x', content_base64: wav, url: `${files.base}/a.wav`, rights_declaration: declared }, 400, 'validation_failed'],
      [{ name: '', content_base64: wav, rights_declaration: declared }, 400, 'validation_failed'],
      [{ name: 'x', content_base64: `data:audio/wav;base64,${wav}`, rights_declaration: declared }, 400, 'validation_failed'],
      [{ name: 'x', content_base64: b64(Buffer.from('plain text, not a sound')), rights_declaration: declared }, 422, 'audio_unreadable'],
      [{ name: 'x', content_base64: b64(Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEjunkjunkjunk')), rights_declaration: declared }, 422, 'audio_unreadable'],
      [{ name: 'x', url: `${files.base}/notes.txt`, rights_declaration: declared }, 422, 'audio_unreadable'],
      [{ name: 'x', url: `${files.base}/truncated.wav`, rights_declaration: declared }, 422, 'audio_unreadable'],
      [{ name: 'x', url: `${files.base}/eleven-minutes.wav`, rights_declaration: declared }, 422, 'audio_too_long'],
      [{ name: 'x', url: `${files.base}/eleven-minutes.mp3`, rights_declaration: declared }, 422, 'audio_too_long'],
      [{ name: 'x', url: `${files.base}/missing.wav`, rights_declaration: declared }, 422, 'audio_fetch_failed'],
      [{ name: 'x', url: 'ftp://example.com/a.wav', rights_declaration: declared }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await c.api.post('/v1/audio', body);
      expect({ status: res.status, code: res.body.code }, JSON.stringify(body).slice(0, 200)).toEqual({ status, code });
      expect(String(res.headers.get('content-type'))).toContain('application/problem+json');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a URL whose file is over 25 MiB without reading it whole', async () => {
    const c = await t.customer();
    served.set('/huge.wav', Buffer.alloc(26 * 1024 * 1024));
    const res = await c.api.post('/v1/audio', { name: 'x', url: `${files.base}/huge.wav`, rights_declaration: declared });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'audio_too_large', param: '/body/url' });
    served.delete('/huge.wav');
  });

  it('keeps accounts apart: another account gets 404 and an empty list, and cannot choose the prompt as hold music', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const id = (await a.api.post('/v1/audio', { name: 'Ours', content_base64: b64(pcmWav(sine(8000, 0.5), 8000)), rights_declaration: declared })).body.id;
    const snapshot = async () => ({ ...(await dbSnapshot(t.server.store.db)), api_keys: '' });
    const before = await snapshot();
    expect((await b.api.get(`/v1/audio/${id}`)).status).toBe(404);
    expect((await download(b.key, id)).status).toBe(404);
    expect((await b.api.delete(`/v1/audio/${id}`)).status).toBe(404);
    expect((await b.api.get('/v1/audio')).body.data).toEqual([]);
    const hold = await b.api.patch('/v1/hold-music', { audio_id: id });
    expect(hold.status).toBe(422);
    expect(hold.body).toMatchObject({ code: 'invalid_reference', param: '/body/audio_id' });
    expect(await snapshot()).toEqual(before);
    expect((await a.api.get(`/v1/audio/${id}`)).status).toBe(200);
  });

  it('needs pbx:write to upload and delete, pbx:read to read, and the operator scope to take down', async () => {
    const c = await t.customer();
    const id = (await c.api.post('/v1/audio', { name: 'Scoped', content_base64: b64(pcmWav(sine(8000, 0.5), 8000)), rights_declaration: declared })).body.id;
    const reader = t.client((await c.api.post('/v1/api-keys', { name: 'pbx read', scopes: ['pbx:read'] })).body.secret);
    const numbers = t.client((await c.api.post('/v1/api-keys', { name: 'numbers', scopes: ['numbers:read'] })).body.secret);
    for (const res of [
      await reader.post('/v1/audio', { name: 'x', content_base64: 'AAAA', rights_declaration: declared }),
      await reader.delete(`/v1/audio/${id}`),
      await reader.patch('/v1/hold-music', { audio_id: id }),
      await numbers.get('/v1/audio'),
      await numbers.get(`/v1/audio/${id}`),
      await numbers.get('/v1/hold-music'),
      // The customer's own admin key may not take its prompt down: that is the operator's (terms 10.3).
      await c.api.post(`/v1/audio/${id}/take-down`, { reason: 'mine' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_scope');
    }
    expect((await reader.get(`/v1/audio/${id}`)).status).toBe(200);
    expect((await reader.get('/v1/hold-music')).status).toBe(200);
    expect((await c.api.get(`/v1/audio/${id}`)).body.status).toBe('active');
  });

  it('sets hold music to an active prompt of the account; a prompt in use cannot be deleted', async () => {
    const c = await t.customer();
    expect((await c.api.get('/v1/hold-music')).body).toEqual({ object: 'hold_music', audio_id: null, updated_at: null });
    const id = (await c.api.post('/v1/audio', { name: 'Hold', content_base64: b64(pcmWav(sine(8000, 0.5), 8000)), rights_declaration: declared })).body.id;
    const set = await c.api.patch('/v1/hold-music', { audio_id: id });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ object: 'hold_music', audio_id: id });
    expect(await c.api.get('/v1/hold-music').then((r) => r.body)).toEqual(set.body);
    expect(await holdMusicFor(t.server.store.db, c.accountId)).toBe(id);
    const refused = await c.api.delete(`/v1/audio/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('audio_in_use');
    expect((await c.api.patch('/v1/hold-music', { audio_id: 'aud_doesnotexist' })).body.code).toBe('invalid_reference');
    expect((await c.api.patch('/v1/hold-music', { audio_id: 'not-an-id' })).status).toBe(400);
    expect((await c.api.patch('/v1/hold-music', {})).status).toBe(400);
    expect((await c.api.patch('/v1/hold-music', { audio_id: null })).body.audio_id).toBeNull();
    expect(await holdMusicFor(t.server.store.db, c.accountId)).toBeUndefined();
    const deleted = await c.api.delete(`/v1/audio/${id}`);
    expect(deleted.body).toEqual({ id, object: 'audio', deleted: true });
    expect((await c.api.get(`/v1/audio/${id}`)).status).toBe(404);
    expect((await download(c.key, id)).status).toBe(404);
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(['audio.created', 'audio.deleted']);
  });

  it("lets the operator take a prompt down (terms 10.3): audio.taken_down to the account, no longer hold music, refused as hold music, still downloadable", async () => {
    const c = await t.customer();
    const id = (await c.api.post('/v1/audio', { name: 'Claimed song', content_base64: b64(pcmWav(sine(8000, 0.5), 8000)), rights_declaration: declared })).body.id;
    await c.api.patch('/v1/hold-music', { audio_id: id });
    expect((await t.operator.post(`/v1/audio/${id}/take-down`, {})).status).toBe(400);
    const res = await t.operator.post(`/v1/audio/${id}/take-down`, { reason: 'Rights claim by Label X, ticket 42' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id, account_id: c.accountId, status: 'taken_down', takedown: { reason: 'Rights claim by Label X, ticket 42' } });
    expect((await c.api.get(`/v1/audio/${id}`)).body).toMatchObject({ status: 'taken_down', takedown: res.body.takedown });
    const events = await eventsOf(id);
    expect(events.map((e) => [e.type, e.account_id])).toEqual([
      ['audio.created', c.accountId],
      ['audio.taken_down', c.accountId],
    ]);
    expect(events[1]?.payload.data.object).toMatchObject({ status: 'taken_down' });
    expect((await c.api.get('/v1/hold-music')).body.audio_id).toBeNull();
    expect(await holdMusicFor(t.server.store.db, c.accountId)).toBeUndefined();
    const again = await c.api.patch('/v1/hold-music', { audio_id: id });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('audio_taken_down');
    // Twice is once: no second event.
    expect((await t.operator.post(`/v1/audio/${id}/take-down`, { reason: 'again' })).body.takedown.reason).toBe('Rights claim by Label X, ticket 42');
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(['audio.created', 'audio.taken_down']);
    expect((await t.operator.post('/v1/audio/aud_doesnotexist/take-down', { reason: 'x' })).status).toBe(404);
    expect((await download(c.key, id)).status).toBe(200);
    expect((await c.api.delete(`/v1/audio/${id}`)).status).toBe(200);
  });

  it('pages newest first with a cursor', async () => {
    const c = await t.customer();
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) ids.push((await c.api.post('/v1/audio', { name, content_base64: b64(pcmWav(sine(8000, 0.2), 8000)), rights_declaration: declared })).body.id);
    const first = await c.api.get('/v1/audio?limit=2');
    expect(first.body.data.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
    const next = await c.api.get(`/v1/audio?limit=2&starting_after=${first.body.next_cursor}`);
    expect(next.body.data.map((a: { id: string }) => a.id)).toEqual([ids[0]]);
  });
});
