import { createServer, type Server } from 'node:http';
import { Prolope } from '@prolope/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exitCodes } from '../errors.js';
import { runCli } from '../testing/run-cli.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { parseSipTarget } from './call-test.js';

/**
 * `prolope call test` against a real server in this process: a customer's trunk on 127.0.0.1, a
 * number whose voice application gathers one key, real SIP over UDP.
 */

let t: TestServer;
let app: Server;
let env: Record<string, string>;
let sip: string;
const from = '+35929300001';
const to = '+35929300002';
const username = 'cli-test-pbx';
const password = 'Cli-Secret-2026';
const gathered: string[] = [];

/** Gathers one key, thanks the caller (audio to check) and hangs up. */
async function voiceApp(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const done = req.url?.startsWith('/gathered');
      if (done) gathered.push(String(JSON.parse(body).digits));
      const instructions = done
        ? [{ verb: 'say', text: 'Thanks.' }, { verb: 'hangup' }]
        : [{ verb: 'gather', digits: 1, timeout_seconds: 5, action_url: `${base}/gathered` }];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ instructions }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${address.port}`;
  return { server, base };
}

beforeAll(async () => {
  t = await startTestServer();
  sip = `127.0.0.1:${t.server.sipPort}`;
  const voice = await voiceApp();
  app = voice.server;
  const operator = new Prolope({ apiKey: t.operatorKey, baseUrl: t.url });
  const account = await operator.accounts.create({
    name: 'Call Test Ltd',
    legal_entity: { type: 'company', legal_name: 'Call Test Ltd', country: 'BG', registration_number: '123456789' },
    signatory: { name: 'Ana Petrova', email: 'ana@example.com', confirms_age_18_or_over: true, confirms_authority: true },
  });
  const key = account.initial_api_key.secret;
  const customer = new Prolope({ apiKey: key, baseUrl: t.url });
  await operator.inventory.import({
    numbers: [from, to].map((number) => ({ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' })),
  });
  for (const number of [from, to]) await customer.numbers.buy({ number });
  await customer.numbers.update(to, { voice: { url: `${voice.base}/voice` } });
  await customer.sipTrunks.create({ name: 'Office PBX', allowed_ips: ['127.0.0.1'], allowed_caller_ids: [from], credentials: { username, password } });
  env = { PROLOPE_API_KEY: key, PROLOPE_BASE_URL: t.url, PROLOPE_SIP_USERNAME: username, PROLOPE_SIP_PASSWORD: password };
});
afterAll(async () => {
  await t?.close();
  if (app) await new Promise((r) => app.close(r));
});

const callTest = (args: string[], over: { to?: string; from?: string; env?: Record<string, string | undefined> } = {}) =>
  runCli(['call', 'test', '--to', over.to ?? to, '--from', over.from ?? from, '--sip', sip, '--digit-delay-ms', '200', ...args], over.env ?? env);

describe('prolope call test', () => {
  test('prints the SIP timeline, the digit, the audio check and the CDR, and exits 0', async () => {
    const result = await callTest(['--press', '1']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(new RegExp(`^\\+\\s+\\d+ ms {2}→ {2}INVITE sip:\\${to}@${sip} \\(SDP: PCMA/8000, telephone-event/8000 ptime 20`, 'm'));
    expect(out).toMatch(/^\+\s+\d+ ms {2}← {2}401 Unauthorized$/m);
    expect(out).toMatch(/← {2}183 Session Progress \(SDP: PCMA\/8000, telephone-event\/8000 ptime 20 at 127\.0\.0\.1:\d+\)$/m);
    expect(out).toMatch(/← {2}200 OK \(SDP: /m);
    expect(out).toMatch(/→ {2}DTMF 1 \(RFC 4733\)$/m);
    expect(out).toMatch(/← {2}BYE sip:/m);
    expect(out).toMatch(/→ {2}200 OK \(BYE\)$/m);
    expect(out).toMatch(/■ {2}end: the far end hung up \(BYE\)$/m);
    expect(out).toMatch(/^RTP: received \d+ \(\d+ PCMA, all PCMA at 20 ms, 0 early\), sent \d+$/m);
    expect(out).toMatch(/^CDR call_\w+: completed, \d+ s, sip_code 200, hung up by callee \(normal\)$/m);
    expect(gathered).toContain('1');
  });

  test('--json prints the result with the CDR matched by Call-ID', async () => {
    const result = await callTest(['--json', '--press', '1']);
    expect(result.exitCode, result.stderr).toBe(0);
    const body = result.json<{ answered: boolean; callId: string; timeline: unknown[]; cdr: { sip_call_id: string; status: string } }>();
    expect(body.answered).toBe(true);
    expect(body.timeline.length).toBeGreaterThan(8);
    expect(body.cdr).toMatchObject({ sip_call_id: body.callId, status: 'completed' });
  });

  test('a refused call prints the refusal, exits 3, and says how to see CDRs without a key', async () => {
    const result = await callTest([], { from: '+35929300099', env: { ...env, PROLOPE_API_KEY: undefined } });
    expect(result.exitCode).toBe(exitCodes.auth);
    expect(result.stdout).toMatch(/← {2}403 Caller ID not authorized$/m);
    expect(result.stdout).toMatch(/^Not answered: refused: 403 Caller ID not authorized$/m);
    expect(result.stderr).toContain('No API key, so no CDR: run `prolope login`');
    expect(result.stderr).toContain('Error: The call was not answered: refused: 403 Caller ID not authorized');
  });

  test('an unknown number exits 4, bad digits exit 2 before dialling', async () => {
    const unknown = await callTest(['--json'], { to: '+35929300098' });
    expect(unknown.exitCode).toBe(exitCodes.notFound);
    expect(unknown.json<{ status: number; cdr: unknown }>()).toMatchObject({ status: 404, cdr: null });
    expect(unknown.errorJson().error).toMatchObject({ code: 'not_found', exit_code: 4 });

    const bad = await callTest(['--press', '1x']);
    expect(bad.exitCode).toBe(exitCodes.usage);
    expect(bad.stderr).toContain('--press: not a DTMF key: "x"');
    expect(bad.stdout).toBe('');
  });

  test('without --sip it calls the SIP address the server shows in its health (here an ephemeral port, not 5060)', async () => {
    const health = (await (await fetch(`${t.url}/v1/health`)).json()) as { sip: { host: string; port: number } };
    expect(health.sip).toMatchObject({ host: '127.0.0.1', port: t.server.sipPort, transport: 'udp' });
    expect(health.sip.port).not.toBe(5060);
    const result = await runCli(['call', 'test', '--to', to, '--from', from, '--digit-delay-ms', '200', '--press', '1'], env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`→ {2}INVITE sip:\\${to}@127\\.0\\.0\\.1:${t.server.sipPort} `, 'm'));
    expect(result.stdout).toMatch(/^CDR call_\w+: completed/m);
  });

  test('--sip takes host or host:port', () => {
    expect(parseSipTarget('sip.example.com')).toEqual({ host: 'sip.example.com', port: 5060 });
    expect(parseSipTarget('127.0.0.1:5070')).toEqual({ host: '127.0.0.1', port: 5070 });
    expect(() => parseSipTarget('host:99999')).toThrow(/--sip must be host or host:port/);
  });
});
