import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../clock.js';
import { startTestServer, storeKinds, type TestServer } from '../../test/harness.js';
import { markAnswered, openInboundCall } from '../lifecycle.js';
import { startNodeLease } from './node-lease.js';

/**
 * The lease and the sweep on a real PostgreSQL database, driven by a manual clock: a node that stops
 * renewing has its live calls marked failed by another node once its lease has run out, not before.
 */
describe.skipIf(!storeKinds.includes('postgres'))('node leases (postgres)', () => {
  const clock = manualClock('2026-03-02T10:00:00.000Z');
  let ts: TestServer;
  beforeAll(async () => {
    // The server's own lease is long here, so its timer never sweeps during the test: the test does.
    ts = await startTestServer('postgres', { clock, config: { node: { id: 'server', leaseSeconds: 3600, natsUrl: undefined } } });
  });
  afterAll(() => ts?.close());

  const deps = () => ({ db: ts.server.store.db, clock, secrets: ts.server.secrets });

  async function liveCallOn(nodeId: string, accountId: string) {
    const row = await openInboundCall(deps(), {
      accountId,
      from: '+35929870001',
      to: '+35929870002',
      sipCallId: `sweep-${nodeId}-${clock.now().getTime()}`,
      trunkId: null,
      numberId: null,
      nodeId,
    });
    return markAnswered(deps(), row);
  }

  it('fails the calls of a node whose lease ran out, once, and leaves live nodes alone', async () => {
    const c = await ts.customer();
    const ghost = await startNodeLease(deps(), { id: 'ghost', url: null, leaseMs: 10_000 }, { loop: false });
    const sweeper = await startNodeLease(deps(), { id: 'sweeper', url: null, leaseMs: 10_000 }, { loop: false });
    const ghostCall = await liveCallOn('ghost', c.accountId);
    const sweeperCall = await liveCallOn('sweeper', c.accountId);
    const lastHeartbeat = clock.now().toISOString();

    // Within the ghost's lease: nothing to do.
    clock.advance(9_000);
    expect(await sweeper.tick()).toBe(0);
    expect((await c.api.get(`/v1/calls/${ghostCall.id}`)).body.status).toBe('in_progress');

    // Past it (the ghost never renewed): its call fails, ended at its last heartbeat.
    clock.advance(2_000);
    expect(await sweeper.tick()).toBe(1);
    const failed = (await c.api.get(`/v1/calls/${ghostCall.id}`)).body;
    expect(failed).toMatchObject({ status: 'failed', hangup_by: 'system', hangup_cause: 'error', ended_at: lastHeartbeat, duration_seconds: 0 });
    expect(failed.hangup_reason.code).toBe('internal_error');
    expect(failed.hangup_reason.message).toContain('node ghost');
    const events = await ts.server.store.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'call.completed')
      .where('account_id', '=', c.accountId)
      .execute();
    expect(events.map((e) => JSON.parse(e.payload).data.object.id)).toEqual([ghostCall.id]);
    // The sweeper's own call is untouched, the ghost's row is gone, and a second sweep finds nothing.
    expect((await c.api.get(`/v1/calls/${sweeperCall.id}`)).body.status).toBe('in_progress');
    expect(await ts.server.store.db.selectFrom('nodes').select('id').where('id', '=', 'ghost').executeTakeFirst()).toBeUndefined();
    expect(await sweeper.tick()).toBe(0);
    await ghost.stop();
    // Stopping cleanly leaves nothing to sweep: a call still recorded under the node is failed, the lease given up.
    await sweeper.stop();
    const left = (await c.api.get(`/v1/calls/${sweeperCall.id}`)).body;
    expect(left.status).toBe('failed');
    expect(left.hangup_reason.message).toContain('node sweeper) stopped');
    expect(await ts.server.store.db.selectFrom('nodes').select('id').where('id', 'in', ['ghost', 'sweeper']).execute()).toEqual([]);
  });

  it('fails at start the calls an earlier run under the same node id left behind', async () => {
    const c = await ts.customer();
    await startNodeLease(deps(), { id: 'phoenix', url: null, leaseMs: 10_000 }, { loop: false });
    const left = await liveCallOn('phoenix', c.accountId);
    // A crash: no stop(), the row stays; the same id starts again before its lease runs out.
    const again = await startNodeLease(deps(), { id: 'phoenix', url: null, leaseMs: 10_000 }, { loop: false });
    const call = (await c.api.get(`/v1/calls/${left.id}`)).body;
    expect(call.status).toBe('failed');
    expect(call.hangup_reason.message).toContain('restarted');
    await again.stop();
  });
});
