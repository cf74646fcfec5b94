import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';

describe.each(storeKinds)('accounts (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  it('the operator creates an account with its first admin key, shown once', async () => {
    const res = await t.operator.post('/v1/accounts', accountBody('Balkan Calls'));
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^acct_/);
    expect(res.body.parent_account_id).toBeNull();
    expect(res.body.signatory).toMatchObject({ confirmed_age_18_or_over: true, confirmed_authority: true });
    expect(res.body.initial_api_key.scopes).toEqual(['admin']);
    const secret: string = res.body.initial_api_key.secret;
    const me = await t.client(secret).get('/v1/accounts/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(res.body.id);
    const keys = await t.client(secret).get('/v1/api-keys');
    expect(keys.body.data).toHaveLength(1);
    expect(keys.body.data[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(keys.body)).not.toContain(secret);
  });

  it.each([
    ['age', { confirms_age_18_or_over: false, confirms_authority: true }, '/body/signatory/confirms_age_18_or_over'],
    ['authority', { confirms_age_18_or_over: true, confirms_authority: false }, '/body/signatory/confirms_authority'],
  ])('refuses a signatory without the %s confirmation and writes nothing', async (_what, confirm, param) => {
    const before = await t.operator.get('/v1/accounts?limit=100');
    const body = accountBody('Too Young');
    const res = await t.operator.post('/v1/accounts', { ...body, signatory: { ...body.signatory, ...confirm } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('signatory_confirmation_required');
    expect(res.body.param).toBe(param);
    const after = await t.operator.get('/v1/accounts?limit=100');
    expect(after.body.data.length).toBe(before.body.data.length);
  });

  it('a customer creates subaccounts under itself, one level deep', async () => {
    const parent = await t.customer('Parent Co');
    const sub = await parent.api.post('/v1/accounts', accountBody('Sub Co'));
    expect(sub.status).toBe(201);
    expect(sub.body.parent_account_id).toBe(parent.accountId);
    const list = await parent.api.get('/v1/accounts');
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([sub.body.id]);
    expect((await parent.api.get(`/v1/accounts/${sub.body.id}`)).status).toBe(200);
    const nested = await t.client(sub.body.initial_api_key.secret).post('/v1/accounts', accountBody('Sub Sub'));
    expect(nested.status).toBe(403);
    expect(nested.body.code).toBe('forbidden');
    // The subaccount cannot see its parent's siblings or the parent's other data.
    const other = await t.customer('Other Co');
    expect((await t.client(sub.body.initial_api_key.secret).get(`/v1/accounts/${other.accountId}`)).status).toBe(404);
  });

  it('another customer cannot see or change the account (404, not 403)', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const get = await b.api.get(`/v1/accounts/${a.accountId}`);
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('not_found');
    const patch = await b.api.patch(`/v1/accounts/${a.accountId}`, { name: 'Hijacked' });
    expect(patch.status).toBe(404);
    expect((await a.api.get('/v1/accounts/me')).body.name).not.toBe('Hijacked');
  });

  it('updates name, legal entity and metadata', async () => {
    const a = await t.customer();
    const res = await a.api.patch(`/v1/accounts/${a.accountId}`, {
      name: 'Renamed',
      legal_entity: { type: 'company', legal_name: 'Renamed EOOD', country: 'BG', vat_number: 'BG123456789' },
      metadata: { crm_id: '42' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renamed', metadata: { crm_id: '42' }, legal_entity: { vat_number: 'BG123456789' } });
    expect((await a.api.get('/v1/accounts/me')).body.legal_entity.legal_name).toBe('Renamed EOOD');
    const empty = await a.api.patch(`/v1/accounts/${a.accountId}`, {});
    expect(empty.status).toBe(400);
  });

  it('the operator lists every account newest first, page by page', async () => {
    for (let i = 0; i < 3; i++) await t.customer(`Paged ${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await t.operator.get(`/v1/accounts?limit=2${cursor ? `&starting_after=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((a: { id: string }) => a.id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(4);
  });

  it('a customer key cannot list all accounts: only its subaccounts', async () => {
    const a = await t.customer();
    const res = await a.api.get('/v1/accounts');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });
});
