import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BaresipPhone, BARESIP, requireBaresip, startBaresip } from '../test/baresip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { fileRecordingStore } from '../store/object-store.js';
import { eventually } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { saveMessage } from './service.js';

/** baresip (Debian `baresip`) with its `mwi` module (and `menu`, which prints each NOTIFY): a real phone subscribing to its own mailbox. */
requireBaresip('baresip message waiting');

async function startPhone(o: { aor: string; password: string; sipPort: number }): Promise<BaresipPhone> {
  const phone = await startBaresip({
    ...o,
    config: [
      'module g711.so',
      'module_app account.so',
      'module_app mwi.so',
      'module_app menu.so',
      'audio_player aufile,/dev/null',
      'audio_source aufile,/dev/null',
    ],
  });
  return {
    ...phone,
    async stop() {
      await phone.stop();
      phone.remove();
    },
  };
}

describe.each(BARESIP ? storeKinds.slice(0, 1) : [])('baresip message waiting indicator (%s)', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-vm-baresip-'));
  let t: TestServer;
  beforeAll(async () => {
    // Debian's baresip (libre 1.x) gives up on a 401 that also offers SHA-256 (see baresip-register.test.ts).
    t = await startTestServer(kind, { config: { dataDir, sipRegister: loadConfig({ PROLOPE_SIP_REGISTER_DIGEST: 'MD5' }).sipRegister } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('subscribes with the mwi module and is told Messages-Waiting: yes when a message is left', async () => {
    const c = await t.customer();
    const user = (await c.api.post('/v1/sip-users', { username: '201', extension: '201' })).body;
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'Alice', pin: '2468', sip_user_id: user.id })).body;
    const phoneOptions = { aor: `sip:201@${user.domain}`, password: user.password, sipPort: t.server.sipPort! };
    const subscribed = async () => (await eventually(async () => t.server.sipStats()?.messageSummarySubscriptions ?? 0, (n) => n === 1)) === 1;
    let phone = await startPhone(phoneOptions);
    try {
      // Under CI's load, Debian's baresip 1.0.0 has sometimes (about one run in three on a busy
      // machine, never alone) printed "mwi: subscribing" dozens of times without a SUBSCRIBE ever
      // reaching Prolope (no subscription, no "closed" line). Not understood yet; a second phone is
      // started once, and the first one's output kept in the log, so the test still judges Prolope.
      if (!(await subscribed())) {
        console.info(`baresip-mwi: the first phone never subscribed; its output:\n${phone.output().slice(0, 2000)}`);
        // Stuck as described, it ignores SIGTERM: killed at once.
        phone.process.kill('SIGKILL');
        await phone.stop();
        phone = await startPhone(phoneOptions);
        await subscribed();
      }
      expect(t.server.sipStats()?.messageSummarySubscriptions, phone.output()).toBe(1);
      await saveMessage(
        { db: t.server.store.db, clock: systemClock, recordings: fileRecordingStore(dataDir), publicUrl: t.url, events: t.server.store.events },
        { accountId: c.accountId, boxId: box.id },
        { id: null, from: '+359888123456' },
        new Int16Array(8000).fill(1000),
      );
      const out = await eventually(
        async () => phone.output(),
        (o) => /Messages-Waiting: yes/i.test(o),
      );
      // The menu module prints each NOTIFY's body: nothing waiting at first, then the new message.
      expect(out).toMatch(/Messages-Waiting: no\r?\n[\s\S]*Voice-Message: 0\/0[\s\S]*Messages-Waiting: yes\r?\n[\s\S]*Voice-Message: 1\/0/);
    } finally {
      await phone.stop();
    }
  });
});
