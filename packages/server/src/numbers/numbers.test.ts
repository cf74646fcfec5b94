import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { withoutSecrets } from './phone-number.js';
import { QUARANTINE_DAYS } from './quarantine.js';
import { freshNumber, ownNumber, stock } from './test-fixtures.js';

describe.each(storeKinds)('numbers (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  const eventsOf = (objectId: string) =>
    t.server.store.db.selectFrom('events').select(['type', 'account_id', 'payload']).where('object_id', '=', objectId).orderBy('id').execute();

  async function insertTrunk(accountId: string): Promise<string> {
    const id = newId('sipTrunk');
    const now = new Date().toISOString();
    await t.server.store.db
      .insertInto('sip_trunks')
      .values({
        id,
        account_id: accountId,
        name: 'PBX',
        allowed_ips: '[]',
        allowed_caller_ids: '[]',
        username: `u_${id}`,
        realm: 'sip.prolope.test',
        ha1_md5: 'x',
        ha1_sha256: 'x',
        link: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  }

  describe('buy', () => {
    it('buys an available number, written as dialled in Bulgaria, and records number.purchased', async () => {
      const c = await t.customer();
      const [number] = await stock(t.operator, [{ number: freshNumber(), monthly_price: '12.50', setup_price: '0.00', currency: 'BGN' }]);
      const res = await c.api.post('/v1/numbers', { number: `0${(number as string).slice(4)}`, friendly_name: 'Sofia office' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        object: 'phone_number',
        account_id: c.accountId,
        number,
        country: 'BG',
        type: 'local',
        capabilities: ['voice'],
        monthly_price: '12.50',
        setup_price: '0.00',
        currency: 'BGN',
        source: 'purchased',
        friendly_name: 'Sofia office',
        voice: null,
        sip_trunk_id: null,
        forwarding: null,
      });
      expect(res.body.id).toMatch(/^pn_/);
      const events = await eventsOf(res.body.id);
      expect(events.map((e) => [e.type, e.account_id])).toEqual([['number.purchased', c.accountId]]);
      expect(JSON.parse(events[0]?.payload as string).data.object).toEqual(res.body);
    });

    it('answers 404 for a number not in the inventory, pointing at search', async () => {
      const c = await t.customer();
      const res = await c.api.post('/v1/numbers', { number: '+35929999999' });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect(res.body.detail).toContain('/v1/available-numbers');
    });

    it('refuses an invalid number with 422 on /body/number', async () => {
      const c = await t.customer();
      const res = await c.api.post('/v1/numbers', { number: '12345' });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'invalid_phone_number', param: '/body/number' });
    });

    it("refuses another account's number without saying whose, and one the account already holds", async () => {
      const a = await t.customer();
      const b = await t.customer();
      const held = await ownNumber(t.operator, a.api);
      const theirs = await b.api.post('/v1/numbers', { number: held.number });
      expect(theirs.status).toBe(409);
      expect(theirs.body.code).toBe('number_not_available');
      expect(theirs.body.detail).not.toContain(a.accountId);
      expect(theirs.body.detail).not.toContain(held.id);
      const mine = await a.api.post('/v1/numbers', { number: held.number });
      expect(mine.status).toBe(409);
      expect(mine.body.code).toBe('number_not_available');
      expect((await a.api.get(`/v1/numbers/${held.id}`)).body).toEqual(held);
    });

    it('refuses a quarantined number with the date it frees, and sells it once the quarantine ran out', async () => {
      const a = await t.customer();
      const b = await t.customer();
      const held = await ownNumber(t.operator, a.api, { friendly_name: 'old' });
      expect((await a.api.post(`/v1/numbers/${held.id}/release`)).status).toBe(200);
      const row = await t.server.store.db.selectFrom('phone_numbers').selectAll().where('id', '=', held.id).executeTakeFirstOrThrow();
      const refused = await b.api.post('/v1/numbers', { number: held.number });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('number_quarantined');
      expect(refused.body.detail).toContain(row.quarantined_until);
      expect((await a.api.post('/v1/numbers', { number: held.number })).body.code).toBe('number_quarantined');

      await t.server.store.db.updateTable('phone_numbers').set({ quarantined_until: '2020-01-01T00:00:00.000Z' }).where('id', '=', held.id).execute();
      const bought = await b.api.post('/v1/numbers', { number: held.number });
      expect(bought.status).toBe(201);
      expect(bought.body).toMatchObject({ id: held.id, account_id: b.accountId, friendly_name: null, source: 'purchased' });
      const after = await t.server.store.db.selectFrom('phone_numbers').selectAll().where('id', '=', held.id).executeTakeFirstOrThrow();
      expect(after).toMatchObject({ status: 'assigned', quarantined_until: null });
    });

    it('of concurrent buys of one number by two accounts, exactly one wins', async () => {
      const a = await t.customer();
      const b = await t.customer();
      const [number] = await stock(t.operator, [freshNumber()]);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).api.post('/v1/numbers', { number })));
      const won = results.filter((r) => r.status === 201);
      expect(won).toHaveLength(1);
      expect(results.filter((r) => r.status === 409 && r.body.code === 'number_not_available')).toHaveLength(9);
      const winner = won[0]?.body;
      const events = await eventsOf(winner.id);
      expect(events.map((e) => [e.type, e.account_id])).toEqual([['number.purchased', winner.account_id]]);
      const inList = [...(await a.api.get('/v1/numbers')).body.data, ...(await b.api.get('/v1/numbers')).body.data];
      expect(inList.map((n) => n.number)).toEqual([number]);
    });
  });

  describe('list and retrieve', () => {
    it("lists the account's numbers newest first, with cursor pages", async () => {
      const c = await t.customer();
      const one = await ownNumber(t.operator, c.api);
      const two = await ownNumber(t.operator, c.api);
      const three = await ownNumber(t.operator, c.api);
      const first = await c.api.get('/v1/numbers?limit=2');
      expect(first.body.data.map((n: { id: string }) => n.id)).toEqual([three.id, two.id]);
      expect(first.body).toMatchObject({ has_more: true, next_cursor: two.id });
      const second = await c.api.get(`/v1/numbers?limit=2&starting_after=${two.id}`);
      expect(second.body.data).toEqual([one]);
      expect(second.body.has_more).toBe(false);
    });

    it('retrieves by id or by the number, with +, %2B, without the sign, or as dialled in Bulgaria', async () => {
      const c = await t.customer();
      const n = await ownNumber(t.operator, c.api);
      const digits = n.number.slice(1);
      for (const ref of [n.id, n.number, encodeURIComponent(n.number), digits, `0${digits.slice(3)}`]) {
        const res = await c.api.get(`/v1/numbers/${ref}`);
        expect(res.status, ref).toBe(200);
        expect(res.body).toEqual(n);
      }
    });

    it('answers 404 for an unknown id, a number it does not hold, and a path that is no number', async () => {
      const c = await t.customer();
      const [available] = await stock(t.operator, [freshNumber()]);
      for (const ref of ['pn_01NOSUCHNUMBER', encodeURIComponent(available as string), '123456']) {
        const res = await c.api.get(`/v1/numbers/${ref}`);
        expect(res.status, ref).toBe(404);
        expect(res.body.code).toBe('not_found');
      }
    });
  });

  describe('update', () => {
    it('sets voice and forwarding with their defaults, and a friendly name; records number.updated', async () => {
      const c = await t.customer();
      const n = await ownNumber(t.operator, c.api);
      const res = await c.api.patch(`/v1/numbers/${n.id}`, {
        friendly_name: 'Support line',
        voice: { url: 'https://example.com/voice', fallback_url: 'https://backup.example.com/voice', fallback_method: 'GET' },
        forwarding: { targets: [{ number: '0888 123 456' }, { number: '+44 20 7946 0958', ring_timeout: 45 }] },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        friendly_name: 'Support line',
        voice: { url: 'https://example.com/voice', method: 'POST', fallback_url: 'https://backup.example.com/voice', fallback_method: 'GET' },
        forwarding: {
          mode: 'sequential',
          targets: [
            { number: '+359888123456', ring_timeout: 20 },
            { number: '+442079460958', ring_timeout: 45 },
          ],
        },
      });
      expect(res.body.updated_at >= n.updated_at).toBe(true);
      expect((await c.api.get(`/v1/numbers/${n.id}`)).body).toEqual(res.body);
      const events = await eventsOf(n.id);
      expect(events.map((e) => e.type)).toEqual(['number.purchased', 'number.updated']);
      // The owner reads the signing secret from the API; events (delivered and stored) leave it out.
      expect(res.body.voice.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(JSON.parse(events[1]?.payload as string).data.object).toEqual(withoutSecrets(res.body));
      expect(events[1]?.payload).not.toContain('whsec_');
    });

    it('generates the voice signing secret once, keeps it when the URL changes, and a new one after voice is cleared', async () => {
      const c = await t.customer();
      const n = await ownNumber(t.operator, c.api);
      const first = (await c.api.patch(`/v1/numbers/${n.id}`, { voice: { url: 'https://example.com/a' } })).body.voice.signing_secret;
      expect(first).toMatch(/^whsec_/);
      const moved = await c.api.patch(`/v1/numbers/${n.id}`, { voice: { url: 'https://example.com/b', method: 'GET' } });
      expect(moved.body.voice).toEqual({ url: 'https://example.com/b', method: 'GET', fallback_method: 'POST', signing_secret: first });
      expect((await c.api.get(`/v1/numbers/${n.number}`)).body.voice.signing_secret).toBe(first);
      // Trying to set it is refused: Prolope generates it.
      expect((await c.api.patch(`/v1/numbers/${n.id}`, { voice: { url: 'https://example.com/b', signing_secret: 'whsec_mine' } })).status).toBe(400);
      await c.api.patch(`/v1/numbers/${n.id}`, { voice: null });
      const again = (await c.api.patch(`/v1/numbers/${n.id}`, { voice: { url: 'https://example.com/a' } })).body.voice.signing_secret;
      expect(again).toMatch(/^whsec_/);
      expect(again).not.toBe(first);
    });

    it('leaves fields out of the body alone, and null clears a setting', async () => {
      const c = await t.customer();
      const n = await ownNumber(t.operator, c.api, { friendly_name: 'Keep me' });
      await c.api.patch(`/v1/numbers/${n.id}`, {
        voice: { url: 'https://example.com/v' },
        forwarding: { mode: 'simultaneous', targets: [{ number: '+359888123456' }] },
      });
      const cleared = await c.api.patch(`/v1/numbers/${n.number}`, { voice: null, forwarding: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ friendly_name: 'Keep me', voice: null, forwarding: null, sip_trunk_id: null });
      expect((await c.api.patch(`/v1/numbers/${n.id}`, { friendly_name: null })).body.friendly_name).toBeNull();
    });

    it("delivers to the account's SIP trunk, refuses another account's or an unknown trunk, and clears it", async () => {
      const c = await t.customer();
      const other = await t.customer();
      const n = await ownNumber(t.operator, c.api);
      const trunk = await insertTrunk(c.accountId);
      const set = await c.api.patch(`/v1/numbers/${n.id}`, { sip_trunk_id: trunk });
      expect(set.status).toBe(200);
      expect(set.body.sip_trunk_id).toBe(trunk);
      for (const id of [await insertTrunk(other.accountId), 'trk_01NOSUCHTRUNK']) {
        const res = await c.api.patch(`/v1/numbers/${n.id}`, { sip_trunk_id: id });
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'invalid_reference', param: '/body/sip_trunk_id' });
        expect(res.body.detail).toContain(id);
      }
      expect((await c.api.get(`/v1/numbers/${n.id}`)).body.sip_trunk_id).toBe(trunk);
      expect((await c.api.patch(`/v1/numbers/${n.id}`, { sip_trunk_id: null })).body.sip_trunk_id).toBeNull();
    });

    it('refuses a bad forwarding target by index, forwarding to itself, and an empty body; writes nothing', async () => {
      const c = await t.customer();
      const n = await ownNumber(t.operator, c.api);
      const bad = await c.api.patch(`/v1/numbers/${n.id}`, { friendly_name: 'x', forwarding: { targets: [{ number: '+359888123456' }, { number: '999' }] } });
      expect(bad.status).toBe(422);
      expect(bad.body).toMatchObject({ code: 'invalid_phone_number', param: '/body/forwarding/targets/1/number' });
      const loop = await c.api.patch(`/v1/numbers/${n.id}`, { forwarding: { targets: [{ number: n.number }] } });
      expect(loop.status).toBe(400);
      expect(loop.body).toMatchObject({ code: 'validation_failed', param: '/body/forwarding/targets/0/number' });
      expect((await c.api.patch(`/v1/numbers/${n.id}`, {})).status).toBe(400);
      expect((await c.api.get(`/v1/numbers/${n.id}`)).body).toEqual(n);
      expect((await eventsOf(n.id)).map((e) => e.type)).toEqual(['number.purchased']);
    });
  });

  describe('release', () => {
    it('releases into quarantine, answers the number as it was, and records number.released', async () => {
      const c = await t.customer();
      const n = await ownNumber(t.operator, c.api, { friendly_name: 'Going away' });
      const trunk = await insertTrunk(c.accountId);
      const configured = (
        await c.api.patch(`/v1/numbers/${n.id}`, {
          sip_trunk_id: trunk,
          voice: { url: 'https://example.com/v' },
          forwarding: { targets: [{ number: '+359888123456' }] },
        })
      ).body;
      const before = Date.now();
      const res = await c.api.post(`/v1/numbers/${encodeURIComponent(n.number)}/release`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(configured);
      const events = await eventsOf(n.id);
      expect(events.map((e) => e.type)).toEqual(['number.purchased', 'number.updated', 'number.released']);
      expect(JSON.parse(events[2]?.payload as string).data.object).toEqual(withoutSecrets(configured));

      const row = await t.server.store.db.selectFrom('phone_numbers').selectAll().where('id', '=', n.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        status: 'quarantined',
        account_id: null,
        source: null,
        purchased_at: null,
        friendly_name: null,
        voice: null,
        sip_trunk_id: null,
        forwarding: null,
      });
      const until = Date.parse(row.quarantined_until as string) - before;
      expect(Math.abs(until - QUARANTINE_DAYS * 86_400_000)).toBeLessThan(60_000);

      expect((await c.api.get(`/v1/numbers/${n.id}`)).status).toBe(404);
      expect((await c.api.get('/v1/numbers')).body.data).toEqual([]);
      const again = await c.api.post(`/v1/numbers/${n.id}/release`);
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('not_found');
    });
  });

  describe('access', () => {
    it("keeps accounts apart: another account gets 404 on every operation on a number it doesn't hold", async () => {
      const a = await t.customer();
      const b = await t.customer();
      const n = await ownNumber(t.operator, a.api);
      for (const ref of [n.id, encodeURIComponent(n.number)]) {
        expect((await b.api.get(`/v1/numbers/${ref}`)).status).toBe(404);
        expect((await b.api.patch(`/v1/numbers/${ref}`, { friendly_name: 'Mine now' })).status).toBe(404);
        expect((await b.api.post(`/v1/numbers/${ref}/release`)).status).toBe(404);
      }
      expect((await b.api.get('/v1/numbers')).body.data).toEqual([]);
      expect((await a.api.get(`/v1/numbers/${n.id}`)).body).toEqual(n);
    });

    it('needs numbers:write to buy, configure or release; numbers:read to list and search', async () => {
      const c = await t.customer();
      const n = await ownNumber(t.operator, c.api);
      const [spare] = await stock(t.operator, [freshNumber()]);
      const reader = t.client((await c.api.post('/v1/api-keys', { name: 'reader', scopes: ['numbers:read'] })).body.secret);
      expect((await reader.get('/v1/numbers')).body.data).toEqual([n]);
      expect((await reader.get(`/v1/numbers/${n.id}`)).status).toBe(200);
      expect((await reader.get('/v1/available-numbers')).status).toBe(200);
      const denied = [
        await reader.post('/v1/numbers', { number: spare }),
        await reader.patch(`/v1/numbers/${n.id}`, { friendly_name: 'x' }),
        await reader.post(`/v1/numbers/${n.id}/release`),
      ];
      for (const res of denied) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('missing_scope');
        expect(res.body.detail).toContain('numbers:write');
      }
      const stranger = t.client((await c.api.post('/v1/api-keys', { name: 'contacts', scopes: ['contacts:read'] })).body.secret);
      expect((await stranger.get('/v1/available-numbers')).status).toBe(403);
      expect((await stranger.get('/v1/numbers')).status).toBe(403);
      expect((await c.api.get(`/v1/numbers/${n.id}`)).body).toEqual(n);
    });
  });
});
