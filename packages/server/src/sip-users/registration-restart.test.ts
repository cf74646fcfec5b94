import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';

requireSipp('SIP registrations across a restart');

const SCENARIO = fileURLToPath(new URL('../telephony/sip/test-scenarios/register-digest.xml', import.meta.url));

// SQLite only: the store is a file in the data folder, which the second server opens again. (On
// PostgreSQL the rows are in the database, which outlives any one process the same way.)
describe.each(SIPP ? ['sqlite' as const] : [])('SIP registrations across a restart (%s)', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-restart-'));
  const operatorKey = 'pk_live_restartoperator0000000001';
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a binding made before the restart, and the phone can refresh it after', async () => {
    const first = await startTestServer(kind, { config: { dataDir, operatorKey } });
    servers.push(first);
    const c = await first.customer();
    const user = (await c.api.post('/v1/sip-users', { username: '301' })).body;
    const args = ['-au', '301', '-ap', user.password, '-auth_uri', user.domain, '-set', 'domain', user.domain, '-set', 'contact', '<sip:301@192.0.2.31:5060>', '-set', 'expires', '600'];
    expect((await runSipp(SCENARIO, '301', first.server.sipPort!, args)).code).toBe(0);
    const before = (await c.api.get(`/v1/sip-users/${user.id}/registrations`)).body.data;
    expect(before).toHaveLength(1);
    await first.close();
    servers.pop();

    const second = await startTestServer(kind, { config: { dataDir, operatorKey } });
    servers.push(second);
    const api = second.client(c.key);
    expect((await api.get(`/v1/sip-users/${user.id}/registrations`)).body.data).toEqual(before);
    expect((await runSipp(SCENARIO, '301', second.server.sipPort!, args)).code).toBe(0);
    const after = (await api.get(`/v1/sip-users/${user.id}/registrations`)).body.data;
    expect(after.map((r: { id: string }) => r.id)).toEqual([before[0].id]);
  });
});
