import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { fileRecordingStore } from '../store/object-store.js';
import { eventually } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { freeUdpPort } from '../test/sipp.js';
import { saveMessage } from './service.js';

/** baresip (Debian `baresip`) with its `mwi` module (and `menu`, which prints each NOTIFY): a real phone subscribing to its own mailbox. */
const which = spawnSync('which', ['baresip'], { encoding: 'utf8' });
const BARESIP: string | undefined = which.status === 0 ? which.stdout.trim() : undefined;
const MODULES = '/usr/lib/baresip/modules';

if (!BARESIP) {
  if (process.env.PROLOPE_TEST_STRICT === '1') {
    describe('baresip message waiting', () => {
      it('needs baresip (PROLOPE_TEST_STRICT=1)', () => {
        throw new Error('baresip is not installed but PROLOPE_TEST_STRICT=1: install it (apt-get install baresip)');
      });
    });
  } else {
    console.warn('[baresip message waiting] skipping: `baresip` not found on PATH (apt-get install baresip; set PROLOPE_TEST_STRICT=1 to make this fatal)');
  }
}

async function startPhone(o: { aor: string; password: string; sipPort: number }): Promise<{ process: ChildProcess; output: () => string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'prolope-baresip-mwi-'));
  const port = await freeUdpPort();
  writeFileSync(
    join(dir, 'config'),
    [`sip_listen 127.0.0.1:${port}`, `module_path ${MODULES}`, 'module g711.so', 'module_app account.so', 'module_app mwi.so', 'module_app menu.so', 'audio_player aufile,/dev/null', 'audio_source aufile,/dev/null', ''].join('\n'),
  );
  writeFileSync(join(dir, 'accounts'), `<${o.aor}>;auth_pass=${o.password};outbound="sip:127.0.0.1:${o.sipPort};transport=udp";regint=600\n`);
  const child = spawn(BARESIP!, ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return {
    process: child,
    output: () => out,
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
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
    const phone = await startPhone({ aor: `sip:201@${user.domain}`, password: user.password, sipPort: t.server.sipPort! });
    try {
      await eventually(
        async () => t.server.sipStats()?.messageSummarySubscriptions ?? 0,
        (n) => n === 1,
      );
      expect(t.server.sipStats()?.messageSummarySubscriptions, phone.output()).toBe(1);
      await saveMessage(
        { db: t.server.store.db, clock: systemClock, recordings: fileRecordingStore(dataDir), publicUrl: t.url, events: t.server.store.events },
        { accountId: c.accountId, boxId: box.id },
        { id: null, from: '+359888123456' },
        new Int16Array(8000).fill(1000),
      );
      const out = await eventually(async () => phone.output(), (o) => /Messages-Waiting: yes/i.test(o));
      // The menu module prints each NOTIFY's body: nothing waiting at first, then the new message.
      expect(out).toMatch(/Messages-Waiting: no\r?\n[\s\S]*Voice-Message: 0\/0[\s\S]*Messages-Waiting: yes\r?\n[\s\S]*Voice-Message: 1\/0/);
    } finally {
      phone.stop();
    }
  });
});
