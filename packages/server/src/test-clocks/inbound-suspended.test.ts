import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { pbxTrunk } from '../test/pbx-fixtures.js';
import { buyNumbers } from '../numbers/test-fixtures.js';
import { pbxCallArgs } from '../test/call-suite.js';

/**
 * Terms 7.2: a suspended account takes no calls. SIPp plays the customer's PBX on an authorized trunk
 * calling a number of the account; once the account is suspended the INVITE gets 403 with a Reason
 * header (RFC 3326) after the digest exchange, and the refused call is recorded.
 */
requireSipp('inbound calls of a suspended account');

const refusal = fileURLToPath(new URL('./inbound-suspended-403.xml', import.meta.url));

describe.skipIf(!SIPP).each(storeKinds)('inbound SIP for a suspended account (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let sipPort: number;
  const password = 'pbx-Secret-2026';
  const username = `pbx-susp-${kind}-${process.pid}`;
  const base = 8_300_000 + (kind === 'postgres' ? 500 : 0);
  const from = `+3592${base + 1}`;
  const to = `+3592${base + 2}`;

  beforeAll(async () => {
    t = await startTestServer(kind);
    sipPort = t.server.sipPort as number;
    c = await t.customer();
    await buyNumbers(t.operator, c.api, [from, to]);
    await pbxTrunk(c.api, { username, password, callerIds: [from] });
    // The standing the billing jobs give an account 21 days overdue (tested through test clocks elsewhere).
    await t.server.store.db.updateTable('accounts').set({ status: 'suspended' }).where('id', '=', c.accountId).execute();
  });
  afterAll(() => t?.close());

  it('answers 403 with Reason: SIP;cause=403;text="Account suspended for non-payment" and records the refused call', async () => {
    const run = await runSipp(refusal, to, sipPort, pbxCallArgs(to, { sipPort, username, password, from, rtpport: 40000, codec: '8' }));
    expect(run.code, explain(run)).toBe(0);
    const calls = await eventually(
      async () => (await c.api.get('/v1/calls')).body.data as Array<Record<string, unknown>>,
      (list) => list.length > 0 && list[0]?.status !== 'ringing',
    );
    expect(calls[0]).toMatchObject({ direction: 'inbound', status: 'failed', sip_code: 403, hangup_cause: 'rejected' });
  });
});
