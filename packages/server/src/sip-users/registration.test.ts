import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { requireSipp, runSipp, SIPP, type SippRun } from '../test/sipp.js';
import { digestAuthorization, pickChallenge } from '../telephony/sip/digest-client.js';
import { getHeader, getHeaders, type SipResponse } from '../telephony/sip/sip-message.js';
import { isResponse, SipTestClient } from '../telephony/sip/sip-test-client.js';
import { sweepExpiredRegistrations } from './registrations.js';

requireSipp('SIP user registration');

const SCENARIO = fileURLToPath(new URL('../telephony/sip/test-scenarios/register-digest.xml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'prolope-register-'));
/** The scenario expecting another final status than 200. */
function expecting(status: number): string {
  const file = join(dir, `register-${status}.xml`);
  writeFileSync(file, readFileSync(SCENARIO, 'utf8').replace('<recv response="200"/>', `<recv response="${status}"/>`));
  return file;
}
const passed = (run: SippRun) => `sipp exited ${run.code}\n${run.output.slice(-1500)}\n${run.errors.slice(-1500)}`;

describe.each(SIPP ? storeKinds : [])('SIP user registration over the embedded backend, SIPp as the phone (%s)', (kind) => {
  let t: TestServer;
  const clock = manualClock('2026-12-07T09:00:00Z');
  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
  });
  afterAll(() => t?.close());

  async function user(over: Record<string, unknown> = {}) {
    const c = await t.customer();
    const res = await c.api.post('/v1/sip-users', { username: '201', extension: '201', ...over });
    return { c, id: res.body.id as string, domain: res.body.domain as string, password: res.body.password as string };
  }
  const register = (u: { domain: string; password: string }, o: { contact?: string; expires?: number; password?: string; scenario?: string; username?: string } = {}) =>
    runSipp(o.scenario ?? SCENARIO, o.username ?? '201', t.server.sipPort!, [
      '-au',
      o.username ?? '201',
      '-ap',
      o.password ?? u.password,
      '-auth_uri',
      u.domain,
      '-set',
      'domain',
      u.domain,
      '-set',
      'contact',
      o.contact ?? '<sip:201@192.0.2.10:5060>',
      '-set',
      'expires',
      String(o.expires ?? 600),
    ]);
  const eventTypes = async (accountId: string) =>
    (await t.server.store.db.selectFrom('events').select('type').where('account_id', '=', accountId).where('type', 'like', 'sip_user.%registered').orderBy('id').execute()).map((e) => e.type);

  it('registers with digest; the binding records the contact, the source address (RFC 3581), the node and the expiry', async () => {
    const u = await user();
    const run = await register(u);
    expect(run.code, passed(run)).toBe(0);
    const regs = (await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data;
    expect(regs).toHaveLength(1);
    expect(regs[0]).toMatchObject({
      object: 'sip_registration',
      sip_user_id: u.id,
      contact: 'sip:201@192.0.2.10:5060',
      // The phone said 192.0.2.10 (behind NAT); it is reached where its datagrams came from.
      source_address: '127.0.0.1',
      transport: 'UDP',
      // With PostgreSQL each process has a node id (the one holding the device's socket); SQLite runs one.
      node_id: t.server.nodeLease?.nodeId ?? null,
      user_agent: 'SIPp',
      expires_at: '2026-12-07T09:10:00.000Z',
    });
    expect(regs[0].source_port).toBeGreaterThan(0);
    expect(await eventTypes(u.c.accountId)).toEqual(['sip_user.registered']);

    // A refresh moves the expiry and sends no event; Expires: 0 removes the binding.
    clock.advance(60_000);
    expect((await register(u, { expires: 900 })).code).toBe(0);
    expect((await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data.map((r: { expires_at: string }) => r.expires_at)).toEqual(['2026-12-07T09:16:00.000Z']);
    const removed = await register(u, { expires: 0 });
    expect(removed.code, passed(removed)).toBe(0);
    expect((await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data).toEqual([]);
    expect(await eventTypes(u.c.accountId)).toEqual(['sip_user.registered', 'sip_user.unregistered']);
  });

  it('refuses a wrong password with 403 and registers nothing', async () => {
    const u = await user();
    const run = await register(u, { password: 'not-the-password', scenario: expecting(403) });
    expect(run.code, passed(run)).toBe(0);
    expect((await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data).toEqual([]);
    // The same username in another account's domain is another user: its password does not work here.
    const other = await user();
    const cross = await register({ domain: u.domain, password: other.password }, { scenario: expecting(403) });
    expect(cross.code, passed(cross)).toBe(0);
  });

  it('refuses a too-short expiry with 423 (Min-Expires) and a disabled user with 403', async () => {
    const u = await user();
    const brief = await register(u, { expires: 30, scenario: expecting(423) });
    expect(brief.code, passed(brief)).toBe(0);
    expect((await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data).toEqual([]);
    await u.c.api.patch(`/v1/sip-users/${u.id}`, { enabled: false });
    const disabled = await register(u, { scenario: expecting(403) });
    expect(disabled.code, passed(disabled)).toBe(0);
  });

  it('holds several contacts up to max_registrations; Contact: * removes them all', async () => {
    const u = await user({ max_registrations: 2 });
    for (const host of ['192.0.2.21', '192.0.2.22']) expect((await register(u, { contact: `<sip:201@${host}:5060>` })).code).toBe(0);
    const third = await register(u, { contact: '<sip:201@192.0.2.23:5060>', scenario: expecting(403) });
    expect(third.code, passed(third)).toBe(0);
    const regs = (await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data;
    expect(regs.map((r: { contact: string }) => r.contact).sort()).toEqual(['sip:201@192.0.2.21:5060', 'sip:201@192.0.2.22:5060']);
    const all = await register(u, { contact: '*', expires: 0 });
    expect(all.code, passed(all)).toBe(0);
    expect((await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data).toEqual([]);
    expect(await eventTypes(u.c.accountId)).toEqual(['sip_user.registered', 'sip_user.registered', 'sip_user.unregistered', 'sip_user.unregistered']);
  });

  it('refreshes a binding in place (same row, no event), refuses a refresh with 403 once max_registrations is below the bindings held, and binds anew past the expiry', async () => {
    const u = await user({ max_registrations: 2 });
    const list = async () => (await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data as Array<{ id: string; contact: string; expires_at: string }>;
    for (const host of ['192.0.2.31', '192.0.2.32']) expect((await register(u, { contact: `<sip:201@${host}:5060>` })).code).toBe(0);
    const before = await list();
    clock.advance(30_000);
    const refresh = await register(u, { contact: '<sip:201@192.0.2.31:5060>', expires: 900 });
    expect(refresh.code, passed(refresh)).toBe(0);
    const refreshed = await list();
    expect(refreshed.map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
    expect(refreshed.find((r) => r.contact === 'sip:201@192.0.2.31:5060')?.expires_at).toBe(new Date(clock.now().getTime() + 900_000).toISOString());
    expect(await eventTypes(u.c.accountId)).toEqual(['sip_user.registered', 'sip_user.registered']);

    // Lowered below the two bindings held: a refresh of one of them is refused and changes nothing.
    expect((await u.c.api.patch(`/v1/sip-users/${u.id}`, { max_registrations: 1 })).status).toBe(200);
    const over = await register(u, { contact: '<sip:201@192.0.2.31:5060>', expires: 1200, scenario: expecting(403) });
    expect(over.code, passed(over)).toBe(0);
    expect(await list()).toEqual(refreshed);

    // Both expired (the sweep has not run): the same contact binds anew, a new row with its event.
    clock.advance(901_000);
    const anew = await register(u, { contact: '<sip:201@192.0.2.31:5060>' });
    expect(anew.code, passed(anew)).toBe(0);
    const after = await list();
    expect(after).toHaveLength(1);
    expect(before.map((r) => r.id)).not.toContain(after[0]!.id);
    expect(await eventTypes(u.c.accountId)).toEqual(['sip_user.registered', 'sip_user.registered', 'sip_user.registered']);
  });

  it('drops a binding when its time runs out on the clock, with sip_user.unregistered', async () => {
    const u = await user();
    expect((await register(u, { expires: 120 })).code).toBe(0);
    clock.advance(119_000);
    await sweepExpiredRegistrations({ db: t.server.store.db, clock });
    expect((await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data).toHaveLength(1);
    clock.advance(1_000);
    // Past its expiry a binding no longer counts, even before the sweep removes it.
    expect((await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data).toEqual([]);
    expect(await sweepExpiredRegistrations({ db: t.server.store.db, clock })).toBeGreaterThanOrEqual(1);
    expect(await t.server.store.db.selectFrom('sip_registrations').select('id').where('sip_user_id', '=', u.id).execute()).toEqual([]);
    expect(await eventTypes(u.c.accountId)).toEqual(['sip_user.registered', 'sip_user.unregistered']);
  });

  it('answers a SHA-256 digest (RFC 7616), lists the bindings with their seconds left, and tells Min-Expires on a 423', async () => {
    const u = await user();
    const phone = await SipTestClient.open(t.server.sipPort!);
    try {
      const send = (cseq: number, expires: number, auth?: string) =>
        phone.send(
          [
            `REGISTER sip:${u.domain} SIP/2.0`,
            `Via: SIP/2.0/UDP 127.0.0.1:${phone.port};branch=z9hG4bK-sha-${cseq};rport`,
            `From: <sip:201@${u.domain}>;tag=sha`,
            `To: <sip:201@${u.domain}>`,
            'Call-ID: sha256-register',
            `CSeq: ${cseq} REGISTER`,
            `Contact: <sip:201@10.0.0.5:5062>;expires=${expires}`,
            ...(auth ? [`Authorization: ${auth}`] : []),
            'Content-Length: 0',
            '',
            '',
          ].join('\n'),
        );
      send(1, 300);
      const [challenge] = (await phone.waitFor(isResponse(401, 'REGISTER'))) as SipResponse[];
      const offered = getHeaders(challenge!, 'www-authenticate');
      expect(offered.map((v) => /algorithm=([\w-]+)/.exec(v)?.[1])).toEqual(['MD5', 'SHA-256']);
      const sha = pickChallenge(offered)!;
      expect(sha.algorithm).toBe('SHA-256');
      expect(sha.realm).toBe(u.domain);
      send(2, 300, digestAuthorization(sha, { username: '201', password: u.password }, 'REGISTER', `sip:${u.domain}`));
      const [ok] = (await phone.waitFor(isResponse(200, 'REGISTER'))) as SipResponse[];
      expect(getHeaders(ok!, 'contact')).toEqual(['<sip:201@10.0.0.5:5062>;expires=300']);
      // rport filled in with the port the datagram came from (RFC 3581).
      expect(getHeader(ok!, 'via')).toContain(`rport=${phone.port}`);

      send(3, 10);
      const [again] = (await phone.waitFor(isResponse(401, 'REGISTER'), 2)).slice(-1) as SipResponse[];
      send(4, 10, digestAuthorization(pickChallenge(getHeaders(again!, 'www-authenticate'))!, { username: '201', password: u.password }, 'REGISTER', `sip:${u.domain}`));
      const [brief] = (await phone.waitFor(isResponse(423, 'REGISTER'))) as SipResponse[];
      expect(getHeader(brief!, 'min-expires')).toBe('60');
    } finally {
      await phone.close();
    }
    expect((await u.c.api.get(`/v1/sip-users/${u.id}/registrations`)).body.data.map((r: { contact: string }) => r.contact)).toEqual(['sip:201@10.0.0.5:5062']);
  });

  it("keeps registrations apart: another account's key gets 404 for them", async () => {
    const u = await user();
    const other = await t.customer();
    expect((await other.api.get(`/v1/sip-users/${u.id}/registrations`)).status).toBe(404);
  });
});
