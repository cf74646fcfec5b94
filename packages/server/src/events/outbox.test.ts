import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { type EventInput, recordEvent } from './outbox.js';

/**
 * The outbox's promise: an event and its deliveries exist exactly when the change they describe
 * committed. A change that rolls back leaves no event and nothing to send.
 */
describe.each(storeKinds)('the event outbox (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  it('writes no event and no delivery for a change that rolled back, and both for one that committed', async () => {
    const c = await t.customer('Outbox Ltd');
    const endpoint = await c.api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', enabled_events: ['account.*'] });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    const db = t.server.store.db;
    const change = (name: string, fail: boolean) =>
      db.transaction().execute(async (tx) => {
        await tx.updateTable('accounts').set({ name }).where('id', '=', c.accountId).execute();
        // Not a spec event: the outbox's all-or-nothing write is what is tested, whatever the payload.
        const input = { accountId: c.accountId, type: 'account.updated', object: { id: c.accountId, object: 'account', name }, at: new Date() };
        await recordEvent(tx, input as unknown as EventInput);
        // A later step of the same change fails (a constraint, a crash of the handler): everything goes.
        if (fail) throw new Error('the rest of the change failed');
      });
    const events = () =>
      db.selectFrom('events').select(['id', 'payload']).where('account_id', '=', c.accountId).where('type', '=', 'account.updated').execute();
    // Read from the store: the API's key cache may still hold the account as it was.
    const name = async () => (await db.selectFrom('accounts').select('name').where('id', '=', c.accountId).executeTakeFirstOrThrow()).name;
    const deliveries = () => db.selectFrom('event_deliveries').select(['event_id', 'status']).where('endpoint_id', '=', endpoint.body.id).execute();

    await expect(change('Rolled Back Ltd', true)).rejects.toThrow('the rest of the change failed');
    expect(await name()).toBe('Outbox Ltd');
    expect(await events()).toEqual([]);
    expect(await deliveries()).toEqual([]);
    expect((await c.api.get('/v1/events?type=account.updated')).body.data).toEqual([]);

    await change('Committed Ltd', false);
    expect(await name()).toBe('Committed Ltd');
    const written = await events();
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0]!.payload).data.object.name).toBe('Committed Ltd');
    expect(await deliveries()).toEqual([{ event_id: written[0]!.id, status: 'pending' }]);
  });
});
