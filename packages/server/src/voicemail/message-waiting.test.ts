import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { fileRecordingStore } from '../store/object-store.js';
import { eventually, explain } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { phoneAwaitingHeard } from '../test/mwi-phone.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { saveMessage } from './service.js';

/**
 * The message waiting indicator (RFC 3842): SIPp, as the box owner's phone, SUBSCRIBEs to
 * `message-summary` with its digest credentials, gets the counts at once (no messages), and a NOTIFY
 * with `Messages-Waiting: yes` when a message is left in the box.
 */
requireSipp('message waiting indicator');
const SCENARIO = fileURLToPath(new URL('./test-scenarios/subscribe-message-summary.xml', import.meta.url));

describe.skipIf(!SIPP).each(storeKinds)('message waiting indicator (%s)', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mwi-'));
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: { dataDir } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers SUBSCRIBE message-summary with the counts and NOTIFYs Messages-Waiting: yes when a message arrives', async () => {
    const c = await t.customer();
    const user = (await c.api.post('/v1/sip-users', { username: '201', extension: '201' })).body;
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'Alice', pin: '2468', sip_user_id: user.id })).body;
    const phone = runSipp(SCENARIO, '201', t.server.sipPort!, ['-au', '201', '-ap', user.password, '-auth_uri', `201@${user.domain}`, '-set', 'domain', user.domain]);
    // The first NOTIFY is out once the subscription counts.
    await eventually(
      async () => t.server.sipStats()?.messageSummarySubscriptions ?? 0,
      (n) => n === 1,
    );
    const pcm = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    await saveMessage(
      { db: t.server.store.db, clock: systemClock, recordings: fileRecordingStore(dataDir), publicUrl: t.url, events: t.server.store.events },
      { accountId: c.accountId, boxId: box.id },
      { id: null, from: '+359888123456' },
      pcm,
    );
    const run = await phone;
    expect(run.code, explain(run)).toBe(0);
  });

  it('NOTIFYs Messages-Waiting: no when the only new message is marked heard through the API', async () => {
    const c = await t.customer();
    const user = (await c.api.post('/v1/sip-users', { username: '203' })).body;
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'Bob', pin: '1357', sip_user_id: user.id })).body;
    const pcm = new Int16Array(8000).fill(1000);
    const message = await saveMessage(
      { db: t.server.store.db, clock: systemClock, recordings: fileRecordingStore(dataDir), publicUrl: t.url },
      { accountId: c.accountId, boxId: box.id },
      { id: null, from: '+359888123456' },
      pcm,
    );
    // The same exchange, with the counts the other way round: one new message first, then one heard.
    const phone = (await phoneAwaitingHeard(t, user, dataDir)).run;
    expect((await c.api.patch(`/v1/voicemail-boxes/${box.id}/messages/${message.id}`, { heard: true })).body.heard).toBe(true);
    const run = await phone;
    expect(run.code, explain(run)).toBe(0);
  });

  it('refuses a wrong password with 403 and keeps no subscription for it', async () => {
    const c = await t.customer();
    const user = (await c.api.post('/v1/sip-users', { username: '202' })).body;
    const wrong = await runSipp(SCENARIO, '202', t.server.sipPort!, ['-au', '202', '-ap', 'not-the-password', '-auth_uri', `202@${user.domain}`, '-set', 'domain', user.domain]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.errors + wrong.output).toContain('403');
    // Only the earlier tests' phones are subscribed.
    expect(t.server.sipStats()?.messageSummarySubscriptions).toBe(2);
  });
});
