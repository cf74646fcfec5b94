import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { eventually } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { freeUdpPort } from '../test/sipp.js';

/** baresip (Debian `baresip`): a real softphone nobody here wrote, run headless as the user's phone. */
const which = spawnSync('which', ['baresip'], { encoding: 'utf8' });
const BARESIP: string | undefined = which.status === 0 ? which.stdout.trim() : undefined;
const MODULES = '/usr/lib/baresip/modules';

if (!BARESIP) {
  if (process.env.PROLOPE_TEST_STRICT === '1') {
    describe('baresip registration', () => {
      it('needs baresip (PROLOPE_TEST_STRICT=1)', () => {
        throw new Error('baresip is not installed but PROLOPE_TEST_STRICT=1: install it (apt-get install baresip)');
      });
    });
  } else {
    console.warn('[baresip registration] skipping: `baresip` not found on PATH (apt-get install baresip; set PROLOPE_TEST_STRICT=1 to make this fatal)');
  }
}

interface Phone {
  process: ChildProcess;
  output: () => string;
  stop(): void;
}

/** Starts baresip with one account registering to our SIP port (its own config directory, no audio device). */
async function startPhone(o: { aor: string; password: string; sipPort: number; regint: number }): Promise<Phone> {
  const dir = mkdtempSync(join(tmpdir(), 'prolope-baresip-'));
  const port = await freeUdpPort();
  writeFileSync(
    join(dir, 'config'),
    [`sip_listen 127.0.0.1:${port}`, `module_path ${MODULES}`, 'module g711.so', 'module_app account.so', 'audio_player aufile,/dev/null', 'audio_source aufile,/dev/null', ''].join('\n'),
  );
  writeFileSync(join(dir, 'accounts'), `<${o.aor}>;auth_pass=${o.password};outbound="sip:127.0.0.1:${o.sipPort};transport=udp";regint=${o.regint}\n`);
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

describe.each(BARESIP ? storeKinds.slice(0, 1) : [])('baresip registers as a SIP user (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    // libre 1.x (Debian's baresip) gives up on a 401 that also offers SHA-256, so this server offers MD5
    // alone, as an operator with such phones would (PROLOPE_SIP_REGISTER_DIGEST=MD5).
    t = await startTestServer(kind, { config: { sipRegister: loadConfig({ PROLOPE_SIP_REGISTER_DIGEST: 'MD5' }).sipRegister } });
  });
  afterAll(() => t?.close());

  it('registers with digest, shows in GET registrations, and a wrong password never does', async () => {
    const c = await t.customer();
    const user = (await c.api.post('/v1/sip-users', { username: '201', extension: '201' })).body;
    const phone = await startPhone({ aor: `sip:201@${user.domain}`, password: user.password, sipPort: t.server.sipPort!, regint: 600 });
    try {
      const regs = await eventually(
        async () => (await c.api.get(`/v1/sip-users/${user.id}/registrations`)).body.data as Array<Record<string, unknown>>,
        (d) => d.length === 1,
      );
      expect(regs, phone.output()).toHaveLength(1);
      expect(regs[0]).toMatchObject({ source_address: '127.0.0.1', transport: 'UDP' });
      expect(String(regs[0]!.user_agent)).toMatch(/baresip/i);
      // baresip puts a per-instance tag in the contact user part (201-0x...).
      expect(String(regs[0]!.contact)).toMatch(/^sip:201[^@]*@127\.0\.0\.1:\d+/);
    } finally {
      phone.stop();
    }

    const wrong = await startPhone({ aor: `sip:201@${user.domain}`, password: 'wrong-password-123', sipPort: t.server.sipPort!, regint: 600 });
    try {
      // baresip reports the 403 it got; nothing is registered for that attempt.
      const out = await eventually(async () => wrong.output(), (o) => /403/.test(o));
      expect(out).toMatch(/403/);
    } finally {
      wrong.stop();
    }
  });
});
