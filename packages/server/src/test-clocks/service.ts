import type { Schema } from '../http/contract.js';
import { sofiaDateOf } from '@prolope/rules';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { newId } from '../ids.js';
import type { Db } from '../store/db.js';
import type { TestClocksTable } from '../store/schema.js';
import { runAccountBilling } from '../billing/engine/index.js';
import { announceTestClockBreaches } from '../incidents/test-clock-breaches.js';

/** A clock moves at most this far in one advance (the spec's "at most two years later"). */
export const MAX_ADVANCE_YEARS = 2;

export function toTestClock(row: TestClocksTable, accountIds: readonly string[]): TestClock {
  return {
    id: row.id,
    object: 'test_clock' as const,
    name: row.name,
    frozen_time: row.frozen_time,
    // Advancing runs every day's jobs before it answers, so a clock the API returns is always ready.
    status: 'ready' as const,
    account_ids: [...accountIds],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type TestClock = Schema<'TestClock'>;

async function attached(db: Db, clockIds: readonly string[]): Promise<Map<string, string[]>> {
  const byClock = new Map<string, string[]>(clockIds.map((id) => [id, []]));
  if (clockIds.length === 0) return byClock;
  const rows = await db.selectFrom('accounts').select(['id', 'test_clock_id']).where('test_clock_id', 'in', clockIds).orderBy('id').execute();
  for (const r of rows) byClock.get(r.test_clock_id as string)?.push(r.id);
  return byClock;
}

async function ownClock(deps: Deps, accountId: string, id: string): Promise<TestClocksTable> {
  const row = await deps.db.selectFrom('test_clocks').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  if (!row) throw notFound('test clock', id);
  return row;
}

export async function createTestClock(deps: Deps, accountId: string, input: { name?: string; frozen_time: string }): Promise<TestClock> {
  const now = deps.clock.now();
  const row: TestClocksTable = {
    id: newId('testClock', now),
    account_id: accountId,
    name: input.name ?? null,
    frozen_time: iso(new Date(input.frozen_time)),
    created_at: iso(now),
    updated_at: iso(now),
  };
  await deps.db.insertInto('test_clocks').values(row).execute();
  return toTestClock(row, []);
}

export async function listTestClocks(deps: Deps, accountId: string, limit: number, startingAfter?: string): Promise<TestClock[]> {
  const rows = await deps.db
    .selectFrom('test_clocks')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const accounts = await attached(
    deps.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toTestClock(r, accounts.get(r.id) ?? []));
}

export async function retrieveTestClock(deps: Deps, accountId: string, id: string): Promise<TestClock> {
  const row = await ownClock(deps, accountId, id);
  return toTestClock(row, (await attached(deps.db, [row.id])).get(row.id) ?? []);
}

/**
 * Moves the clock forward, then runs the billing jobs of every attached account for each Sofia day
 * up to the new time, and announces the SLA breaches of their incidents that came due, before
 * answering. A later advance of the same clock picks up where the billing jobs stopped, so an advance
 * interrupted midway (a crash) is finished by the next one; a breach missed that way is announced by
 * the next advance, at its end.
 */
export async function advanceTestClock(deps: Deps, accountId: string, id: string, frozenTime: string): Promise<TestClock> {
  const row = await ownClock(deps, accountId, id);
  const current = new Date(row.frozen_time);
  const next = new Date(frozenTime);
  const limit = new Date(current);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_ADVANCE_YEARS);
  if (!(next.getTime() > current.getTime()) || next.getTime() > limit.getTime()) {
    throw new ProblemError(
      'test_clock_advance_invalid',
      `frozen_time must be later than the clock's ${row.frozen_time} and at most ${MAX_ADVANCE_YEARS} years later (${iso(limit)}).`,
      { param: '/body/frozen_time' },
    );
  }
  const updatedAt = iso(deps.clock.now());
  await deps.db
    .updateTable('test_clocks')
    .set({ frozen_time: iso(next), updated_at: updatedAt })
    .where('id', '=', row.id)
    .execute();
  const accounts = (await attached(deps.db, [row.id])).get(row.id) ?? [];
  const through = sofiaDateOf(next);
  for (const account of accounts) await runAccountBilling(deps, account, through);
  await announceTestClockBreaches(deps, accounts, current, next);
  return toTestClock({ ...row, frozen_time: iso(next), updated_at: updatedAt }, accounts);
}
