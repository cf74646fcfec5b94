import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { freePort, requireBuild, serverProcess } from '../events/crash/server-process.js';
import { apiClient } from '../test/api-client.js';
import { startTestServer, type TestServer } from '../test/harness.js';
import { sipResponder } from '../test/sip-responder.js';
import { freeUdpPort } from '../test/sipp.js';

/**
 * Issue 12, item 4: the API shows where PBXs send SIP as it really is: the port SIP listens on (not a
 * fixed 5060), or the public address a NAT'd deployment configures, which our own INVITEs then carry in
 * Via and Contact.
 */
const OPERATOR_KEY = `pk_live_${'s1p'.repeat(8)}`;

describe('the built server started with PROLOPE_SIP_PORT', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-sip-port-'));
  let server: ReturnType<typeof serverProcess>;
  let url: string;
  let sipPort: number;

  beforeAll(async () => {
    requireBuild();
    const port = await freePort();
    sipPort = await freeUdpPort();
    url = `http://127.0.0.1:${port}`;
    server = serverProcess({
      PROLOPE_PORT: String(port),
      PROLOPE_SIP_PORT: String(sipPort),
      PROLOPE_DATA_DIR: dataDir,
      PROLOPE_OPERATOR_KEY: OPERATOR_KEY,
      PROLOPE_LOG_LEVEL: 'error',
      PROLOPE_RTP_PORTS: '41000-41999',
    });
    await server.start();
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows that port in health and on every trunk', async () => {
    const operator = apiClient(url, OPERATOR_KEY);
    const health = await apiClient(url).get('/v1/health');
    expect(health.body.sip).toEqual({ host: '127.0.0.1', port: sipPort, transport: 'udp', uri: `sip:127.0.0.1:${sipPort};transport=udp` });

    const number = '+35929992001';
    await operator.post('/v1/number-inventory', { numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }] });
    const account = await operator.post('/v1/accounts', {
      name: 'Port Check',
      legal_entity: { type: 'company', legal_name: 'Port Check Ltd', country: 'BG', registration_number: '123456789' },
      signatory: { name: 'Ivana Petrova', email: 'ivana@example.com', confirms_age_18_or_over: true, confirms_authority: true },
    });
    const customer = apiClient(url, account.body.initial_api_key.secret);
    expect((await customer.post('/v1/numbers', { number })).status).toBe(201);
    const trunk = await customer.post('/v1/sip-trunks', {
      name: 'Office',
      allowed_ips: ['203.0.113.5'],
      allowed_caller_ids: [number],
      credentials: { username: `port-${process.pid}` },
    });
    expect(trunk.body).toMatchObject({ host: '127.0.0.1', port: sipPort, transport: 'udp' });
    expect((await customer.get(`/v1/sip-trunks/${trunk.body.id}`)).body.port).toBe(sipPort);
  });
});

describe('a NAT-ed server with PROLOPE_SIP_PUBLIC_HOST and PROLOPE_SIP_PUBLIC_PORT', () => {
  let t: TestServer;
  let carrier: Awaited<ReturnType<typeof sipResponder>>;
  beforeAll(async () => {
    carrier = await sipResponder(503, 'Service Unavailable');
    t = await startTestServer('sqlite', { config: { sipPublicHost: 'sip.prolope.test', sipPublicPort: 5999 } });
  });
  afterAll(async () => {
    await t?.close();
    await carrier?.close();
  });

  it('shows the public address, and its INVITEs carry it in Via and Contact', async () => {
    expect((await t.client().get('/v1/health')).body.sip).toEqual({
      host: 'sip.prolope.test',
      port: 5999,
      transport: 'udp',
      uri: 'sip:sip.prolope.test:5999;transport=udp',
    });
    expect(t.server.sipPort).not.toBe(5999);

    const c = await t.customer();
    const from = '+35929992002';
    await t.operator.post('/v1/number-inventory', { numbers: [{ number: from, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }] });
    await c.api.post('/v1/numbers', { number: from });
    const trunk = await c.api.post('/v1/sip-trunks', {
      name: 'Office',
      allowed_ips: ['203.0.113.5'],
      allowed_caller_ids: [from],
      credentials: { username: `nat-${process.pid}` },
    });
    expect(trunk.body).toMatchObject({ host: 'sip.prolope.test', port: 5999 });

    await t.operator.post('/v1/carriers', { name: 'Raw', uri: `sip:127.0.0.1:${carrier.port}` });
    const res = await c.api.post('/v1/calls', { from, to: '+35929992003', instructions: [{ verb: 'hangup' }] });
    expect(res.status).toBe(201);
    const invite = await carrier.invite();
    expect(invite.header('via')).toMatch(/^SIP\/2\.0\/UDP sip\.prolope\.test:5999;branch=/);
    expect(invite.header('contact')).toBe('<sip:sip.prolope.test:5999>');
    expect(invite.raw.startsWith(`INVITE sip:+35929992003@127.0.0.1:${carrier.port} SIP/2.0\r\n`)).toBe(true);
  });
});

describe('SIP address settings', () => {
  it.each([
    [{ PROLOPE_SIP_PUBLIC_PORT: '0' }, /PROLOPE_SIP_PUBLIC_PORT must be a port/],
    [{ PROLOPE_SIP_PUBLIC_PORT: '70000' }, /PROLOPE_SIP_PUBLIC_PORT must be a port/],
    [{ PROLOPE_SIP_PUBLIC_HOST: 'sip.example.com\r\nVia: x' }, /PROLOPE_SIP_PUBLIC_HOST must be a host name or IP address/],
    [{ PROLOPE_SIP_PUBLIC_HOST: 'sip.example.com:5060' }, /PROLOPE_SIP_PUBLIC_HOST must be a host name/],
    [{ PROLOPE_SECRET_KEY: 'abcd' }, /PROLOPE_SECRET_KEY must be 32 bytes/],
  ])('refuses %o at start, naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads a public address, bare IPv6 or bracketed, and a 32-byte key in hex or base64', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ PROLOPE_SIP_PUBLIC_HOST: '2001:db8::9', PROLOPE_SIP_PUBLIC_PORT: '5080', PROLOPE_SECRET_KEY: hex })).toMatchObject({
      sipPublicHost: '2001:db8::9',
      sipPublicPort: 5080,
      secretKey: Buffer.from(hex, 'hex'),
    });
    expect(loadConfig({ PROLOPE_SIP_PUBLIC_HOST: '[2001:db8::9]' }).sipPublicHost).toBe('2001:db8::9');
    expect(loadConfig({ PROLOPE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }).secretKey).toEqual(Buffer.alloc(32, 7));
  });
});
