import { newId } from '../../ids.js';
import type { ApiClient } from '../../test/api-client.js';
import { accountBody, type TestServer } from '../../test/harness.js';

/**
 * For tests: a test clock of `owner` frozen at `frozen` (written to the store directly, so these tests do
 * not depend on the test-clock routes) and a subaccount of `owner` living by it.
 */
export async function testClockAccount(t: TestServer, owner: { accountId: string; api: ApiClient }, frozen: string) {
  const clockId = newId('testClock');
  await t.server.store.db
    .insertInto('test_clocks')
    .values({ id: clockId, account_id: owner.accountId, name: 'sim', frozen_time: frozen, created_at: frozen, updated_at: frozen })
    .execute();
  const res = await owner.api.post('/v1/accounts', { ...accountBody('Sim OOD'), test_clock: clockId });
  if (res.status !== 201) throw new Error(`could not create a test account: ${JSON.stringify(res.body)}`);
  return { accountId: res.body.id as string, clockId };
}
