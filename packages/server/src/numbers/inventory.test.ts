import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { freshNumber, stock } from './test-fixtures.js';

describe.each(storeKinds)('number inventory (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  const countRows = async () =>
    Number(
      (
        await t.server.store.db
          .selectFrom('phone_numbers')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('imports numbers normalised to E.164, with default capabilities and prices kept as given', async () => {
    const a = freshNumber();
    const res = await t.operator.post('/v1/number-inventory', {
      numbers: [
        { number: `${a.slice(0, 4)} ${a.slice(4, 5)} ${a.slice(5)}`, type: 'local', monthly_price: '12.50', setup_price: '0', currency: 'BGN' },
        { number: '+359 878 000 001', type: 'mobile', capabilities: ['voice', 'sms'], monthly_price: '3.1234', setup_price: '10.00', currency: 'EUR' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ object: 'inventory_import', imported: 2, skipped: [] });
    const row = await t.server.store.db.selectFrom('phone_numbers').selectAll().where('number', '=', a).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      country: 'BG',
      type: 'local',
      capabilities: '["voice"]',
      monthly_price: '12.50',
      setup_price: '0',
      currency: 'BGN',
      status: 'available',
    });
    expect(row.id).toMatch(/^pn_/);
    const mobile = await t.server.store.db.selectFrom('phone_numbers').selectAll().where('number', '=', '+359878000001').executeTakeFirstOrThrow();
    expect(mobile).toMatchObject({ capabilities: '["voice","sms"]', monthly_price: '3.1234' });
  });

  it('skips and lists numbers already in the inventory or repeated in the request', async () => {
    const [old] = await stock(t.operator, [freshNumber()]);
    const fresh = freshNumber();
    const before = await t.server.store.db
      .selectFrom('phone_numbers')
      .selectAll()
      .where('number', '=', old as string)
      .executeTakeFirstOrThrow();
    const res = await t.operator.post('/v1/number-inventory', {
      numbers: [
        { number: old, type: 'mobile', monthly_price: '99.00', setup_price: '1.00', currency: 'BGN' },
        { number: fresh, type: 'local', monthly_price: '1.00', setup_price: '1.00', currency: 'EUR' },
        { number: fresh, type: 'local', monthly_price: '2.00', setup_price: '2.00', currency: 'EUR' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(1);
    expect(res.body.skipped.sort()).toEqual([old, fresh].sort());
    const after = await t.server.store.db
      .selectFrom('phone_numbers')
      .selectAll()
      .where('number', '=', old as string)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const added = await t.server.store.db.selectFrom('phone_numbers').selectAll().where('number', '=', fresh).executeTakeFirstOrThrow();
    expect(added.monthly_price).toBe('1.00');
  });

  it('refuses a bad number naming its index, and writes nothing at all', async () => {
    const rows = await countRows();
    const res = await t.operator.post('/v1/number-inventory', {
      numbers: [
        { number: freshNumber(), type: 'local', monthly_price: '1.00', setup_price: '1.00', currency: 'EUR' },
        { number: '+359 12', type: 'local', monthly_price: '1.00', setup_price: '1.00', currency: 'EUR' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'invalid_phone_number', param: '/body/numbers/1/number' });
    expect(res.body.detail).toContain('+359 12');
    expect(await countRows()).toBe(rows);
  });

  it('refuses a non-geographic number, which has no country', async () => {
    const res = await t.operator.post('/v1/number-inventory', {
      numbers: [{ number: '+80012345678', type: 'toll_free', monthly_price: '1.00', setup_price: '1.00', currency: 'EUR' }],
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'invalid_phone_number', param: '/body/numbers/0/number' });
  });

  it('refuses a float price and customers entirely', async () => {
    const float = await t.operator.post('/v1/number-inventory', {
      numbers: [{ number: freshNumber(), type: 'local', monthly_price: 12.5, setup_price: '1.00', currency: 'EUR' }],
    });
    expect(float.status).toBe(400);
    expect(float.body.param).toBe('/body/numbers/0/monthly_price');
    const c = await t.customer();
    expect(
      (await c.api.post('/v1/number-inventory', { numbers: [{ number: freshNumber(), type: 'local', monthly_price: '1', setup_price: '1', currency: 'EUR' }] }))
        .status,
    ).toBe(403);
    expect((await c.api.get('/v1/number-inventory')).status).toBe(403);
  });

  it('lists the inventory newest first with status and country filters and cursor pages', async () => {
    const uk = ['+442079460001', '+442079460002', '+442079460003'];
    await stock(t.operator, uk);
    const first = await t.operator.get('/v1/number-inventory?country=GB&limit=2');
    expect(first.body.data.map((n: { number: string }) => n.number)).toEqual(['+442079460003', '+442079460002']);
    expect(first.body).toMatchObject({ has_more: true, next_cursor: first.body.data[1].id });
    expect(first.body.data[0]).toMatchObject({ object: 'inventory_number', status: 'available', account_id: null, quarantined_until: null, country: 'GB' });
    const second = await t.operator.get(`/v1/number-inventory?country=GB&limit=2&starting_after=${first.body.next_cursor}`);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(second.body.data.map((n: { number: string }) => n.number)).toEqual(['+442079460001']);

    const c = await t.customer();
    await c.api.post('/v1/numbers', { number: uk[0] });
    await c.api.post('/v1/numbers', { number: uk[1] });
    await c.api.post(`/v1/numbers/${encodeURIComponent(uk[1] as string)}/release`);
    const assigned = await t.operator.get('/v1/number-inventory?country=GB&status=assigned');
    expect(assigned.body.data).toEqual([expect.objectContaining({ number: uk[0], status: 'assigned', account_id: c.accountId })]);
    const quarantined = await t.operator.get('/v1/number-inventory?country=GB&status=quarantined');
    expect(quarantined.body.data).toEqual([expect.objectContaining({ number: uk[1], status: 'quarantined', account_id: null })]);
    expect(quarantined.body.data[0].quarantined_until).toMatch(/Z$/);
    expect((await t.operator.get('/v1/number-inventory?country=GB&status=available')).body.data.map((n: { number: string }) => n.number)).toEqual([uk[2]]);

    // A quarantine that has run out is reported as available, in the item and in the filters.
    await t.server.store.db
      .updateTable('phone_numbers')
      .set({ quarantined_until: '2020-01-01T00:00:00.000Z' })
      .where('number', '=', uk[1] as string)
      .execute();
    expect((await t.operator.get('/v1/number-inventory?country=GB&status=quarantined')).body.data).toEqual([]);
    const available = await t.operator.get('/v1/number-inventory?country=GB&status=available');
    expect(available.body.data).toEqual([
      expect.objectContaining({ number: uk[2], status: 'available' }),
      expect.objectContaining({ number: uk[1], status: 'available', quarantined_until: null }),
    ]);
  });
});
