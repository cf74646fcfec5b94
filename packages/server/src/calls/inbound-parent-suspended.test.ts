import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain } from '../test/call-fixtures.js';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { buyNumbers } from '../numbers/test-fixtures.js';
import { pbxCallArgs } from '../test/call-suite.js';
import { pbxTrunk } from '../test/pbx-fixtures.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';

/**
 * Terms 7.2 down the tree: a subaccount whose parent is suspended takes no calls either, though its own
 * standing is active. SIPp plays the subaccount's PBX; the INVITE gets 403 with the Reason header after
 * the digest exchange (the scenario of the suspended-account test).
 */
requireSipp('inbound calls of a subaccount of a suspended parent');

const refusal = fileURLToPath(new URL('../test-clocks/inbound-suspended-403.xml', import.meta.url));

describe.skipIf(!SIPP).each(storeKinds)('inbound SIP for a subaccount of a suspended parent (%s)', (kind) => {
  let t: TestServer;
  let parentId: string;
  let subId: string;
  let sub: ReturnType<TestServer['client']>;
  let sipPort: number;
  const password = 'pbx-Secret-2026';
  const username = `pbx-sub-${kind}-${process.pid}`;
  const base = 8_310_000 + (kind === 'postgres' ? 500 : 0);
  const from = `+3592${base + 1}`;
  const to = `+3592${base + 2}`;

  beforeAll(async () => {
    t = await startTestServer(kind);
    sipPort = t.server.sipPort as number;
    const parent = await t.customer('Parent Ltd');
    parentId = parent.accountId;
    const created = await parent.api.post('/v1/accounts', accountBody('Sub Ltd'));
    expect(created.status).toBe(201);
    subId = created.body.id;
    sub = t.client(created.body.initial_api_key.secret);
    await buyNumbers(t.operator, sub, [from, to]);
    await pbxTrunk(sub, { username, password, callerIds: [from] });
    await t.server.store.db.updateTable('accounts').set({ status: 'suspended' }).where('id', '=', parentId).execute();
  });
  afterAll(() => t?.close());

  it('answers 403 with Reason "Account suspended for non-payment" and records the refused call on the subaccount', async () => {
    const run = await runSipp(refusal, to, sipPort, pbxCallArgs(to, { sipPort, username, password, from, rtpport: 40000, codec: '8' }));
    expect(run.code, explain(run)).toBe(0);
    const calls = await eventually(
      async () => (await sub.get('/v1/calls')).body.data as Array<Record<string, unknown>>,
      (list) => list.length > 0 && list[0]?.status !== 'ringing',
    );
    expect(calls[0]).toMatchObject({ account_id: subId, direction: 'inbound', status: 'failed', sip_code: 403, hangup_cause: 'rejected' });
  });
});
