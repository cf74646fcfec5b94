import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { systemClock } from '../clock.js';
import { stockTestNumbers, TEST_NUMBERS } from './test-numbers.js';

describe.each(storeKinds)('test numbers on a development start (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: { stockTestNumbers: true } });
  });
  afterAll(() => t?.close());

  it('stocks ten free numbers on a fresh store, and a customer can buy one at once', async () => {
    expect(t.server.stockedTestNumbers).toEqual([...TEST_NUMBERS]);
    expect(TEST_NUMBERS).toHaveLength(10);
    expect(TEST_NUMBERS[0]).toBe('+35929000001');
    expect(TEST_NUMBERS[9]).toBe('+35929000010');
    const stock = await t.operator.get('/v1/number-inventory?limit=100');
    expect(stock.status).toBe(200);
    const stocked = stock.body.data.filter((n: { number: string }) => TEST_NUMBERS.includes(n.number));
    expect(stocked).toHaveLength(10);
    for (const n of stocked) expect(n).toMatchObject({ status: 'available', monthly_price: '0.00', setup_price: '0.00', type: 'local' });

    const c = await t.customer();
    const found = await c.api.get('/v1/available-numbers?country=BG&contains=290000');
    expect(found.status).toBe(200);
    expect(found.body.data.length).toBeGreaterThanOrEqual(10);
    const bought = await c.api.post('/v1/numbers', { number: '+35929000001' });
    expect(bought.status).toBe(201);
    expect(bought.body.number).toBe('+35929000001');
  });

  it('never stocks again once the inventory has held a number', async () => {
    expect(await stockTestNumbers({ db: t.server.store.db, clock: systemClock })).toEqual([]);
    const stock = await t.operator.get('/v1/number-inventory?limit=100');
    expect(stock.body.data.filter((n: { number: string }) => TEST_NUMBERS.includes(n.number))).toHaveLength(10);
  });
});
