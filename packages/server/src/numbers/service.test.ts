import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemError } from '../errors.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { assignPortedNumbers, numberHeld, numbersNotOwned } from './service.js';
import { freshNumber, ownNumber, stock } from './test-fixtures.js';

// The functions the SIP trunk and porting domains call, against a real store.
describe.each(storeKinds)('numbers service for other domains (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());
  const db = () => t.server.store.db;

  it('numbersNotOwned lists, in order, the numbers the account does not hold', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const mine = (await ownNumber(t.operator, a.api)).number;
    const theirs = (await ownNumber(t.operator, b.api)).number;
    const [spare] = await stock(t.operator, [freshNumber()]);
    const unknown = '+35929999998';
    expect(await numbersNotOwned(db(), a.accountId, [theirs, mine, spare as string, unknown, mine])).toEqual([theirs, spare, unknown]);
    expect(await numbersNotOwned(db(), a.accountId, [mine])).toEqual([]);
    expect(await numbersNotOwned(db(), a.accountId, [])).toEqual([]);
  });

  it('numberHeld is true only for a number some account holds', async () => {
    const a = await t.customer();
    const held = await ownNumber(t.operator, a.api);
    const released = await ownNumber(t.operator, a.api);
    await a.api.post(`/v1/numbers/${released.id}/release`);
    const [spare] = await stock(t.operator, [freshNumber()]);
    expect(await numberHeld(db(), held.number)).toBe(true);
    expect(await numberHeld(db(), released.number)).toBe(false);
    expect(await numberHeld(db(), spare as string)).toBe(false);
    expect(await numberHeld(db(), '+35929999997')).toBe(false);
  });

  it('assignPortedNumbers adds new numbers, takes over unheld inventory, and keeps what the account holds', async () => {
    const a = await t.customer();
    const already = await ownNumber(t.operator, a.api);
    const [inventory] = await stock(t.operator, [{ number: freshNumber(), monthly_price: '7.00', setup_price: '1.00', currency: 'BGN' }]);
    const quarantined = await ownNumber(t.operator, (await t.customer()).api);
    await t.server.store.db
      .updateTable('phone_numbers')
      .set({ status: 'quarantined', account_id: null, quarantined_until: '2999-01-01T00:00:00.000Z' })
      .where('id', '=', quarantined.id)
      .execute();
    const now = new Date();
    const newMobile = '+359898123456';
    const result = await db()
      .transaction()
      .execute((tx) => assignPortedNumbers(tx, t.server.secrets, a.accountId, [newMobile, inventory as string, quarantined.number, already.number], now));
    expect(result.map((n) => n.number)).toEqual([newMobile, inventory, quarantined.number, already.number]);
    expect(result[0]).toMatchObject({
      account_id: a.accountId,
      country: 'BG',
      type: 'mobile',
      source: 'ported',
      monthly_price: '0.00',
      setup_price: '0.00',
      currency: 'EUR',
      purchased_at: now.toISOString(),
    });
    expect(result[1]).toMatchObject({ source: 'ported', monthly_price: '7.00', currency: 'BGN' });
    expect(result[2]).toMatchObject({ id: quarantined.id, source: 'ported', account_id: a.accountId });
    expect(result[3]).toEqual(already);
    // Through the API they are ordinary numbers of the account (and the client checks them against the spec).
    const listed = (await a.api.get('/v1/numbers')).body.data.map((n: { number: string }) => n.number);
    expect(listed.sort()).toEqual([newMobile, inventory, quarantined.number, already.number].sort());
    expect((await a.api.get(`/v1/numbers/${encodeURIComponent(newMobile)}`)).body.source).toBe('ported');
  });

  it("assignPortedNumbers throws number_already_held for another account's number, and the port's transaction writes nothing", async () => {
    const a = await t.customer();
    const b = await t.customer();
    const theirs = await ownNumber(t.operator, b.api);
    const newNumber = '+359898123457';
    const attempt = db()
      .transaction()
      .execute((tx) => assignPortedNumbers(tx, t.server.secrets, a.accountId, [newNumber, theirs.number], new Date()));
    await expect(attempt).rejects.toBeInstanceOf(ProblemError);
    await expect(attempt).rejects.toMatchObject({ code: 'number_already_held' });
    expect(await db().selectFrom('phone_numbers').select('id').where('number', '=', newNumber).executeTakeFirst()).toBeUndefined();
    expect((await b.api.get(`/v1/numbers/${theirs.id}`)).body).toEqual(theirs);
  });
});
