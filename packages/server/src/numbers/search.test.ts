import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../test/api-client.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { stock } from './test-fixtures.js';

// A server of its own: the assertions below name every number the inventory holds.
describe.each(storeKinds)('available number search (%s)', (kind) => {
  let t: TestServer;
  let api: ApiClient;
  const numbers = (res: { body: { data: { number: string }[] } }) => res.body.data.map((n) => n.number);

  beforeAll(async () => {
    t = await startTestServer(kind);
    api = (await t.customer()).api;
    await stock(t.operator, [
      '+35929888123',
      '+35921000001',
      '+35932612345',
      { number: '+359888000001', type: 'mobile', monthly_price: '2.00' },
      { number: '+359878123888', type: 'mobile' },
      { number: '+35980012346', type: 'toll_free', monthly_price: '30.00', setup_price: '100.00', currency: 'BGN' },
      '+442079460001',
      '+442079460002',
    ]);
  });
  afterAll(() => t?.close());

  it('lists available numbers in E.164 text order, as AvailableNumber', async () => {
    const res = await api.get('/v1/available-numbers');
    expect(res.status).toBe(200);
    expect(numbers(res)).toEqual([
      '+35921000001',
      '+35929888123',
      '+35932612345',
      '+35980012346',
      '+359878123888',
      '+359888000001',
      '+442079460001',
      '+442079460002',
    ]);
    expect(res.body.data.find((n: { number: string }) => n.number === '+35980012346')).toEqual({
      object: 'available_number',
      number: '+35980012346',
      country: 'BG',
      type: 'toll_free',
      capabilities: ['voice'],
      monthly_price: '30.00',
      setup_price: '100.00',
      currency: 'BGN',
    });
  });

  it.each([
    ['country=GB', ['+442079460001', '+442079460002']],
    ['type=mobile', ['+359878123888', '+359888000001']],
    ['country=BG&type=toll_free', ['+35980012346']],
    ['contains=888', ['+35929888123', '+359878123888', '+359888000001']],
    ['contains=3598', ['+35980012346', '+359878123888', '+359888000001']],
    ['starts_with=%2B3593', ['+35932612345']],
    ['starts_with=3592', ['+35921000001', '+35929888123']],
    ['starts_with=44&contains=0002', ['+442079460002']],
    ['country=DE', []],
  ])('filters with %s', async (query, expected) => {
    expect(numbers(await api.get(`/v1/available-numbers?${query}`))).toEqual(expected);
  });

  it('pages with the last number as the cursor, with or without an encoded +', async () => {
    const first = await api.get('/v1/available-numbers?country=BG&limit=4');
    expect(first.body).toMatchObject({ has_more: true, next_cursor: '+35980012346' });
    const second = await api.get(`/v1/available-numbers?country=BG&limit=4&starting_after=${encodeURIComponent(first.body.next_cursor)}`);
    expect(numbers(second)).toEqual(['+359878123888', '+359888000001']);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    // An unencoded + arrives as a space; it still means the same cursor.
    expect(numbers(await api.get('/v1/available-numbers?country=BG&limit=4&starting_after=+35980012346'))).toEqual(numbers(second));
  });

  it('leaves out held and quarantined numbers, and brings back a number whose quarantine ran out', async () => {
    const other = await t.customer();
    expect((await other.api.post('/v1/numbers', { number: '+442079460001' })).status).toBe(201);
    expect((await other.api.post('/v1/numbers', { number: '+442079460002' })).status).toBe(201);
    expect((await other.api.post('/v1/numbers/+442079460002/release')).status).toBe(200);
    expect(numbers(await api.get('/v1/available-numbers?country=GB'))).toEqual([]);
    await t.server.store.db.updateTable('phone_numbers').set({ quarantined_until: '2020-01-01T00:00:00.000Z' }).where('number', '=', '+442079460002').execute();
    expect(numbers(await api.get('/v1/available-numbers?country=GB'))).toEqual(['+442079460002']);
  });

  it('refuses a malformed filter with 400 naming it', async () => {
    const res = await api.get('/v1/available-numbers?contains=88a');
    expect(res.status).toBe(400);
    expect(res.body.param).toBe('/querystring/contains');
  });
});
