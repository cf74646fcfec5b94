import { type BaresipPhone, BARESIP, requireBaresip, startBaresip } from '../test/baresip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { eventually } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

requireBaresip('baresip registration');

/** A phone that unregisters and leaves no directory behind when stopped. */
async function startPhone(o: { aor: string; password: string; sipPort: number; regint: number }): Promise<BaresipPhone> {
  const phone = await startBaresip(o);
  return {
    ...phone,
    async stop() {
      await phone.stop();
      phone.remove();
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
      await phone.stop();
    }

    const wrong = await startPhone({ aor: `sip:201@${user.domain}`, password: 'wrong-password-123', sipPort: t.server.sipPort!, regint: 600 });
    try {
      // baresip reports the 403 it got; nothing is registered for that attempt.
      const out = await eventually(
        async () => wrong.output(),
        (o) => /403/.test(o),
      );
      expect(out).toMatch(/403/);
    } finally {
      await wrong.stop();
    }
  });
});
