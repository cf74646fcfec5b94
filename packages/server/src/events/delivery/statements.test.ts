import type { KyselyPlugin, RootOperationNode } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventInput, recordEvent } from '../outbox.js';
import { storeKinds } from '../../test/harness.js';
import { startDeliveryWorker } from './index.js';
import { type DeliverySetup, deliverySetup, devPolicy } from './test-setup.js';

const DELIVERIES = 40;
const PER_ENDPOINT = 8;

/** What a top-level statement of the worker is, from Kysely's tree: its kind and the table it names first. */
function describeNode(node: RootOperationNode): string {
  if ('with' in node && node.with) return `with:${node.kind}`;
  const json = JSON.stringify(node.kind === 'SelectQueryNode' ? node.from : node.kind === 'UpdateQueryNode' ? node.table : node);
  const table = /"name":"(\w+)"/.exec(json)?.[1] ?? '?';
  return `${node.kind}:${table}`;
}

/**
 * The statements the worker sends, as Kysely builds them (both stores), and on PostgreSQL as node-pg
 * sends them: every one goes through Client#query, BEGIN and COMMIT included, which Kysely's plugins
 * never see. Counted, not timed: on PostgreSQL each statement is a round trip and a socket write.
 */
function statementCounter() {
  const built: string[] = [];
  const sent: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      built.push(describeNode(node));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const query = pg.Client.prototype.query;
  let counting = false;
  pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text: string };
    if (counting) sent.push(typeof first === 'string' ? first : first.text);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return {
    built,
    sent,
    plugin,
    count: (on: boolean) => {
      counting = on;
    },
    restore: () => {
      pg.Client.prototype.query = query;
    },
  };
}

/**
 * Issue 15 item 3, on PostgreSQL a claim round and a batch of successes are one statement each: the
 * claim reads the endpoint itself (no `select * from webhook_endpoints` after it), and the batch is
 * one statement with no transaction around it (it was BEGIN, the endpoint lock, the write, COMMIT).
 */
describe.each(storeKinds)('delivery statements (%s)', (kind) => {
  let s: DeliverySetup;
  let counter: ReturnType<typeof statementCounter>;
  beforeAll(async () => {
    s = await deliverySetup(kind);
    counter = statementCounter();
  });
  afterAll(async () => {
    counter?.restore();
    await s?.close();
  });

  const record = (accountId: string, type: string, n: number) =>
    s.t.server.store.db.transaction().execute(async (tx) => {
      for (let i = 0; i < n; i++) {
        // A stub call: the worker's statements are tested, not the payload.
        const input = { accountId, type, object: { id: `call_${type}_${i}`, object: 'call' }, at: s.clock.now() };
        await recordEvent(tx, input as unknown as EventInput);
      }
    });
  const workerCounted = () =>
    startDeliveryWorker(
      {
        db: s.t.server.store.db.withPlugin(counter.plugin),
        storeKind: s.t.server.store.kind,
        events: s.t.server.store.events,
        clock: s.clock,
        webhookPolicy: devPolicy,
        secrets: s.t.server.secrets,
      },
      { loop: false, random: () => 0.5, perEndpoint: PER_ENDPOINT },
    );

  it(`delivers ${DELIVERIES} events with one statement per claim and per batch of successes, and clears failing_since`, async () => {
    const c = await s.t.customer();
    const ep = await s.endpoint(c, '/counted', ['call.completed']);
    // Failing since earlier: the first success batch clears it (in the same statement on PostgreSQL).
    await s.t.server.store.db.updateTable('webhook_endpoints').set({ failing_since: '2026-11-26T09:00:00.000Z' }).where('id', '=', ep.id).execute();
    await record(c.accountId, 'call.completed', DELIVERIES);
    const worker = workerCounted();
    counter.built.length = 0;
    counter.sent.length = 0;
    counter.count(true);
    try {
      expect(await worker.tick()).toBe(DELIVERIES);
    } finally {
      counter.count(false);
      await worker.stop();
    }

    expect(s.receiver.at('/counted')).toHaveLength(DELIVERIES);
    const deliveries = await s.deliveries(ep.id);
    expect(deliveries.map((d) => [d.status, d.attempts])).toEqual(deliveries.map(() => ['succeeded', 1]));
    const attempts = await s.t.server.store.db.selectFrom('event_attempts').select(['status', 'attempt']).where('endpoint_id', '=', ep.id).execute();
    expect(attempts).toEqual(deliveries.map(() => ({ status: 'succeeded', attempt: 1 })));
    const endpoint = await s.t.server.store.db.selectFrom('webhook_endpoints').select('failing_since').where('id', '=', ep.id).executeTakeFirstOrThrow();
    expect(endpoint.failing_since).toBeNull();

    // Both stores: the endpoint is not read after each claim (the claim brings it). What reads it is
    // SQLite's success batch (its failing_since), one read per batch, next to its attempts insert.
    const claims = counter.built.filter((b) => b === 'UpdateQueryNode:event_deliveries');
    expect(claims.length).toBeGreaterThanOrEqual(DELIVERIES / PER_ENDPOINT);
    const endpointReads = counter.built.filter((b) => b === 'SelectQueryNode:webhook_endpoints');
    const attemptInserts = counter.built.filter((b) => b === 'InsertQueryNode:event_attempts');
    expect(endpointReads).toHaveLength(attemptInserts.length);
    const batchStatements = counter.built.filter((b) => b === 'with:UpdateQueryNode');
    if (kind === 'postgres') expect([endpointReads.length, attemptInserts.length, batchStatements.length > 0]).toEqual([0, 0, true]);
    else expect([attemptInserts.length > 0, batchStatements.length]).toEqual([true, 0]);
    if (kind !== 'postgres') return;

    // PostgreSQL, as sent: no transaction, and nothing but scans, claims and success batches.
    const sent = counter.sent.map((text) => text.trim().toLowerCase());
    expect(sent.filter((t) => /^(begin|commit|rollback)\b/.test(t))).toEqual([]);
    const batches = sent.filter((t) => t.startsWith('with "locked"'));
    const claimed = sent.filter((t) => t.startsWith('update "event_deliveries"'));
    const scans = sent.filter((t) => t.startsWith('select "endpoint_id" from "event_deliveries"'));
    expect(batches.length + claimed.length + scans.length).toBe(sent.length);
    // Each batch is the whole of a success's record: the attempts insert and the deliveries update.
    for (const b of batches) expect(b).toMatch(/insert into "event_attempts".*update "event_deliveries"/s);
    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(batches.length).toBeLessThanOrEqual(DELIVERIES);
    expect(batches).toHaveLength(batchStatements.length);
    expect(claimed).toHaveLength(claims.length);
  });

  it('drops, and does not send, what it claims for an endpoint disabled since the deliveries were written', async () => {
    const c = await s.t.customer();
    const ep = await s.endpoint(c, '/disabled', ['call.answered']);
    await record(c.accountId, 'call.answered', 3);
    // Disabled behind the API's back, as if by a disable racing the outbox: its pending rows stay pending.
    await s.t.server.store.db.updateTable('webhook_endpoints').set({ status: 'disabled', disabled_reason: 'manual' }).where('id', '=', ep.id).execute();
    const worker = workerCounted();
    try {
      expect(await worker.tick()).toBe(0);
    } finally {
      await worker.stop();
    }
    expect(s.receiver.at('/disabled')).toEqual([]);
    expect((await s.deliveries(ep.id)).map((d) => d.status)).toEqual(['dropped', 'dropped', 'dropped']);
  });
});
