import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretBox } from '../secrets/secret-box.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { parseCarrierUri } from './carrier-uri.js';

/**
 * `/v1/carriers` through the API on both stores: the operator's resource only (customers get 403 and
 * see nothing), the digest password write-only and sealed at rest, events on the operator's account,
 * and bad input refused with a problem and nothing written, including a seeded fuzz of bodies.
 */
describe.each(storeKinds)('carriers (%s)', (kind) => {
  let t: TestServer;
  const key = randomBytes(32);
  const box = secretBox(key);
  let operatorAccountId: string;

  beforeAll(async () => {
    t = await startTestServer(kind, { config: { secretKey: key } });
    operatorAccountId = (await t.operator.get('/v1/accounts/me')).body.id;
  });
  afterAll(() => t?.close());

  const rowOf = (id: string) => t.server.store.db.selectFrom('carriers').selectAll().where('id', '=', id).executeTakeFirst();
  const footprint = async () => {
    const db = t.server.store.db;
    const carriers = await db
      .selectFrom('carriers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const events = await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type', 'like', 'carrier.%')
      .executeTakeFirstOrThrow();
    return { carriers: Number(carriers.n), events: Number(events.n) };
  };
  const eventsOf = async (id: string) =>
    (await t.server.store.db.selectFrom('events').select(['type', 'account_id', 'payload']).where('object_id', '=', id).orderBy('id').execute()).map((e) => ({
      type: e.type,
      accountId: e.account_id,
      payload: JSON.parse(e.payload),
    }));

  it('adds a carrier with a write-only password, kept sealed with the server key, and records carrier.created for the operator', async () => {
    const password = `Carrier-${randomBytes(6).toString('hex')}`;
    const res = await t.operator.post('/v1/carriers', {
      name: 'Main carrier',
      uri: 'sip:127.0.0.1:5080;transport=udp',
      username: 'prolope',
      password,
      priority: 1,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^car_/),
      object: 'carrier',
      name: 'Main carrier',
      uri: 'sip:127.0.0.1:5080;transport=udp',
      username: 'prolope',
      password_set: true,
      priority: 1,
      enabled: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id: string = res.body.id;
    const got = await t.operator.get(`/v1/carriers/${id}`);
    expect(got.body).toEqual(res.body);
    const list = await t.operator.get('/v1/carriers');
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(id);

    const row = await rowOf(id);
    expect(row?.password_sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(JSON.stringify(row)).not.toContain(password);
    expect(box.open(row?.password_sealed as string, `carrier:${id}`)).toBe(password);
    // Sealed for this carrier: the same text does not open as another's.
    expect(() => box.open(row?.password_sealed as string, 'carrier:car_other')).toThrow();

    const events = await eventsOf(id);
    expect(events.map((e) => [e.type, e.accountId])).toEqual([['carrier.created', operatorAccountId]]);
    expect(events[0]?.payload.data.object).toEqual(res.body);
    expect(JSON.stringify([list.body, got.body, events])).not.toContain(password);
  });

  it('updates, disables, drops credentials and deletes, with carrier.updated and carrier.deleted', async () => {
    const created = (await t.operator.post('/v1/carriers', { name: 'Backup', uri: 'sip:carrier.example.com' })).body;
    expect(created).toMatchObject({ username: null, password_set: false, priority: 10, enabled: true });

    const withCreds = await t.operator.patch(`/v1/carriers/${created.id}`, { username: 'backup-user', password: 'Backup-Secret-1', priority: 5 });
    expect(withCreds.body).toMatchObject({ username: 'backup-user', password_set: true, priority: 5 });
    const newPassword = await t.operator.patch(`/v1/carriers/${created.id}`, { password: 'Backup-Secret-2' });
    expect(newPassword.body).toMatchObject({ username: 'backup-user', password_set: true });
    expect(box.open((await rowOf(created.id))?.password_sealed as string, `carrier:${created.id}`)).toBe('Backup-Secret-2');
    const disabled = await t.operator.patch(`/v1/carriers/${created.id}`, { enabled: false, uri: 'sip:[2001:db8::7]:5062' });
    expect(disabled.body).toMatchObject({ enabled: false, uri: 'sip:[2001:db8::7]:5062' });
    const dropped = await t.operator.patch(`/v1/carriers/${created.id}`, { username: null });
    expect(dropped.body).toMatchObject({ username: null, password_set: false });
    expect((await rowOf(created.id))?.password_sealed).toBeNull();

    const gone = await t.operator.delete(`/v1/carriers/${created.id}`);
    expect(gone.status).toBe(200);
    expect(gone.body).toEqual({ id: created.id, object: 'carrier', deleted: true });
    expect((await t.operator.get(`/v1/carriers/${created.id}`)).status).toBe(404);
    expect((await t.operator.delete(`/v1/carriers/${created.id}`)).status).toBe(404);
    expect((await t.operator.patch(`/v1/carriers/${created.id}`, { name: 'x' })).status).toBe(404);
    const events = await eventsOf(created.id);
    expect(events.map((e) => e.type)).toEqual([
      'carrier.created',
      'carrier.updated',
      'carrier.updated',
      'carrier.updated',
      'carrier.updated',
      'carrier.deleted',
    ]);
    expect(events.every((e) => e.accountId === operatorAccountId)).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/Backup-Secret/);
  });

  it('is the operator’s only: customer keys, even admin ones, get 403 and learn nothing; their events hold none', async () => {
    const id = (await t.operator.post('/v1/carriers', { name: 'Hidden', uri: 'sip:198.51.100.20' })).body.id;
    const c = await t.customer();
    const before = await footprint();
    const attempts = [
      await c.api.post('/v1/carriers', { name: 'Mine', uri: 'sip:198.51.100.21' }),
      await c.api.get('/v1/carriers'),
      await c.api.get(`/v1/carriers/${id}`),
      await c.api.patch(`/v1/carriers/${id}`, { enabled: false }),
      await c.api.delete(`/v1/carriers/${id}`),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_scope');
      expect(JSON.stringify(res.body)).not.toContain('198.51.100.20');
    }
    expect(await footprint()).toEqual(before);
    expect((await rowOf(id))?.enabled).toBe(1);
    const theirs = await c.api.get('/v1/events?limit=100');
    expect(theirs.body.data.filter((e: { type: string }) => e.type.startsWith('carrier.'))).toEqual([]);
    expect((await t.client().get('/v1/carriers')).status).toBe(401);
  });

  it.each([
    ['a user part', { uri: 'sip:user@carrier.example.com' }, 400, 'validation_failed', '/body/uri'],
    ['sips', { uri: 'sips:carrier.example.com' }, 400, 'validation_failed', '/body/uri'],
    ['not a SIP URI', { uri: 'https://carrier.example.com' }, 400, 'validation_failed', '/body/uri'],
    ['a header injection', { uri: 'sip:carrier.example.com\r\nVia: evil' }, 400, 'validation_failed', '/body/uri'],
    ['TCP', { uri: 'sip:carrier.example.com;transport=tcp' }, 422, 'invalid_carrier_uri', '/body/uri'],
    ['a port out of range', { uri: 'sip:carrier.example.com:70000' }, 422, 'invalid_carrier_uri', '/body/uri'],
    ['a bad host', { uri: 'sip:-carrier-.example' }, 422, 'invalid_carrier_uri', '/body/uri'],
    ['a bad IPv4', { uri: 'sip:300.1.2.3' }, 422, 'invalid_carrier_uri', '/body/uri'],
    ['IPv6 without brackets', { uri: 'sip:2001:db8::1' }, 422, 'invalid_carrier_uri', '/body/uri'],
    ['a password without username', { password: 'Secret-1' }, 400, 'validation_failed', '/body/username'],
    ['a username without password', { username: 'u' }, 400, 'validation_failed', '/body/password'],
    ['a priority out of range', { priority: 1001 }, 400, 'validation_failed', '/body/priority'],
    ['an unknown field', { weight: 3 }, 400, 'unknown_field', '/body/weight'],
  ])('refuses %s, naming the field, and writes nothing', async (_what, over, status, code, param) => {
    const before = await footprint();
    const res = await t.operator.post('/v1/carriers', { name: 'Bad', uri: 'sip:carrier.example.com', ...over });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code, param });
    expect(res.body.detail.length).toBeGreaterThan(20);
    expect(await footprint()).toEqual(before);
  });

  it('refuses a patch that would leave half a credential, and keeps the carrier as it was', async () => {
    const bare = (await t.operator.post('/v1/carriers', { name: 'Bare', uri: 'sip:198.51.100.30' })).body;
    const withCreds = (await t.operator.post('/v1/carriers', { name: 'Creds', uri: 'sip:198.51.100.31', username: 'u1', password: 'Secret-Pass-1' })).body;
    const rows = [await rowOf(bare.id), await rowOf(withCreds.id)];
    const before = await footprint();
    const refusals: [string, Record<string, unknown>, number, string, string][] = [
      [bare.id, { password: 'Only-A-Password' }, 400, 'validation_failed', '/body/username'],
      [bare.id, { username: 'only-a-user' }, 400, 'validation_failed', '/body/password'],
      [withCreds.id, { username: null, password: 'x-Secret' }, 400, 'validation_failed', '/body/username'],
      [withCreds.id, { uri: 'sip:carrier.example.com;transport=tls' }, 422, 'invalid_carrier_uri', '/body/uri'],
      [withCreds.id, {}, 400, 'validation_failed', '/body'],
    ];
    for (const [id, patch, status, code, param] of refusals) {
      const res = await t.operator.patch(`/v1/carriers/${id}`, patch);
      expect(res.status, JSON.stringify(patch)).toBe(status);
      expect(res.body.code).toBe(code);
      if (param !== '/body') expect(res.body.param).toBe(param);
    }
    expect([await rowOf(bare.id), await rowOf(withCreds.id)]).toEqual(rows);
    expect(await footprint()).toEqual(before);
  });

  it('never answers 500 to fuzzed bodies: each is created as a dialable carrier or refused with nothing written', async () => {
    // A seeded generator (mulberry32), so a failure replays; the pieces are what URIs and names get wrong.
    let seed = kind === 'sqlite' ? 1201 : 1202;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const pieces = [
      'sip:',
      'sips:',
      'carrier',
      '.example',
      '.com',
      ':',
      '5060',
      '99999',
      '[',
      ']',
      '::1',
      '@',
      ';',
      'transport=',
      'udp',
      'tcp',
      '..',
      '-',
      '1.2.3.4',
      '\u0000',
      '\r\n',
      ' ',
      'é',
      '%',
      '"',
      '\\',
    ];
    const values = [
      () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(pieces)).join(''),
      () => `sip:${Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(pieces)).join('')}`,
      () => Math.floor(random() * 3000) - 1000,
      () => random() < 0.5,
      () => null,
      () => [pick(pieces)],
      () => ({ uri: pick(pieces) }),
      () => 'x'.repeat(Math.floor(random() * 400)),
      // Well-formed values too, so the fuzz also reaches the handler's own checks and the insert.
      () => pick(['sip:carrier.example.com', 'sip:203.0.113.9:5070', 'sip:[2001:db8::9];transport=udp', 'sip:a-b.example:1', 'Name é 名']),
      () => Math.floor(random() * 1001),
    ];
    const fields = ['name', 'uri', 'username', 'password', 'priority', 'enabled', 'extra'];
    const seen = { created: 0, refused: 0 };
    for (let i = 0; i < 120; i++) {
      const body: Record<string, unknown> = { name: `Fuzz ${i}`, uri: 'sip:carrier.example.com' };
      for (let n = Math.floor(random() * 3); n > 0; n--) body[pick(fields)] = pick(values)();
      const before = await footprint();
      const res = await t.operator.post('/v1/carriers', body);
      expect([201, 400, 422], `${JSON.stringify(body)} -> ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
      if (res.status === 201) {
        expect(() => parseCarrierUri(res.body.uri)).not.toThrow();
        expect(res.body.password_set).toBe(typeof body.password === 'string');
        expect((await t.operator.delete(`/v1/carriers/${res.body.id}`)).status).toBe(200);
        seen.created++;
      } else {
        seen.refused++;
        expect(res.body.code).toMatch(/^(validation_failed|unknown_field|invalid_carrier_uri|invalid_character)$/);
        expect(await footprint()).toEqual(before);
      }
      const patched = await t.operator.patch('/v1/carriers/car_01FUZZ', body);
      expect([400, 404, 422]).toContain(patched.status);
    }
    // Both sides were exercised, so the run says something about each.
    expect(seen.created).toBeGreaterThan(5);
    expect(seen.refused).toBeGreaterThan(5);
  });
});
