import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prolope } from '@prolope/sdk';
import { readWavAs8kPcm, writeWav8k } from '@prolope/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../testing/run-cli.js';
import { accountFlags, startTestServer, type TestServer } from '../testing/test-server.js';

/**
 * `prolope users create/list` and `prolope phone` against a real server in this process: two real
 * `prolope phone` processes (the built bin/run.js) register as users 201 and 202 over SIP/UDP, 202 calls
 * 201 by extension through Prolope's B2BUA, 201 answers and plays a WAV, 202 records it; SIGINT unregisters.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/run.js');
let t: TestServer;
let env: Record<string, string>;
let customer: Prolope;
let sip: string;
const users: Record<string, { id: string; password: string; domain: string }> = {};
/** Each phone is a Node process that loads the CLI and the server code: seconds apiece on a busy machine. */
const PHONE_TEST_MS = 240_000;

/** A phone process and its JSON events, one per line, as they arrive. */
interface PhoneProcess {
  child: ChildProcess;
  events: Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with the first event named `name` (rejects if the process exits first). */
  waitFor(name: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startPhone(args: string[]): PhoneProcess {
  const child = spawn('node', [bin, 'phone', '--server', sip, '--json', '--no-interactive', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    let nl = out.indexOf('\n');
    while (nl >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.trim()) events.push(JSON.parse(line));
      nl = out.indexOf('\n');
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (name: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = events.find((e) => e.event === name);
        if (found) resolve(found);
        else waiters.push(check);
      };
      check();
      void exited.then(() => {
        const found = events.find((e) => e.event === name);
        if (found) resolve(found);
        else reject(new Error(`phone exited before "${name}": ${JSON.stringify(events)} ${err}`));
      });
    });
  return { child, events, stderr: () => err, waitFor, exited };
}

async function registrations(userId: string): Promise<Array<{ contact: string }>> {
  const res = await fetch(`${t.url}/v1/sip-users/${userId}/registrations`, { headers: { authorization: `Bearer ${env.PROLOPE_API_KEY}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Array<{ contact: string }> }).data;
}

beforeAll(async () => {
  // The phones run the built CLI (and through it the built server code): build it when missing.
  if (!existsSync(join(root, 'dist/commands.js'))) execFileSync(join(root, '../../node_modules/.bin/tsup'), { cwd: root, stdio: 'ignore' });
  t = await startTestServer();
  sip = `127.0.0.1:${t.server.sipPort}`;
  const created = await runCli(['accounts', 'create', ...accountFlags('Phone Test'), '--json'], { PROLOPE_API_KEY: t.operatorKey, PROLOPE_BASE_URL: t.url });
  expect(created.exitCode, created.stderr).toBe(0);
  const key = created.json<{ initial_api_key: { secret: string } }>().initial_api_key.secret;
  env = { PROLOPE_API_KEY: key, PROLOPE_BASE_URL: t.url, PROLOPE_CONFIG_DIR: t.configDir };
  customer = new Prolope({ apiKey: key, baseUrl: t.url });
});
afterAll(async () => {
  await t?.close();
});

describe('prolope users', () => {
  test('create prints the password once; list shows the user without it', async () => {
    for (const ext of ['201', '202']) {
      const res = await runCli(['users', 'create', '--username', ext, '--extension', ext, '--display-name', `Desk ${ext}`, '--json'], env);
      expect(res.exitCode, res.stderr).toBe(0);
      const body = res.json<{ id: string; password: string; domain: string; username: string; extension: string }>();
      expect(body).toMatchObject({ username: ext, extension: ext });
      expect(body.password.length).toBeGreaterThanOrEqual(16);
      users[ext] = { id: body.id, password: body.password, domain: body.domain };
    }
    const list = await runCli(['users', 'list', '--json'], env);
    expect(list.exitCode, list.stderr).toBe(0);
    const listed = list.json<{ data: Array<{ username: string; password?: string }> }>().data;
    expect(listed.map((u) => u.username).sort()).toEqual(['201', '202']);
    expect(listed.every((u) => u.password === undefined)).toBe(true);
    // The password is nowhere to be read again.
    const again = await customer.sipUsers.retrieve(users['201']!.id);
    expect(again).not.toHaveProperty('password');

    const taken = await runCli(['users', 'create', '--username', '201', '--extension', '299'], env);
    expect(taken.exitCode).not.toBe(0);
    expect(taken.stderr).toMatch(/201/);
  });
});

describe('prolope phone', () => {
  test('201 registers and auto-answers with a WAV, 202 calls 201 and records it, SIGINT unregisters 201', async () => {
    const dir = t.dir;
    // One second of 440 Hz at half scale: what 202 must hear.
    const tone = new Int16Array(8000).map((_, i) => Math.round(16_000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    const wav = join(dir, 'tone.wav');
    writeFileSync(wav, writeWav8k(tone));
    const heard = join(dir, 'heard.wav');

    const a = startPhone(['--user', '201', '--password', users['201']!.password, '--auto-answer', '--play', wav, '--hangup-after', '3']);
    let b: PhoneProcess | undefined;
    try {
      const registered = await a.waitFor('registered');
      expect(registered).toMatchObject({ user: '201', domain: users['201']!.domain, expires: 300 });
      const bindings = await registrations(users['201']!.id);
      expect(bindings).toHaveLength(1);
      expect(bindings[0]?.contact).toContain(String(registered.contact).replace(/[<>]/g, ''));

      // 202 is given its domain: no lookup needed.
      b = startPhone(['--user', '202', '--password', users['202']!.password, '--domain', users['202']!.domain, '--call', '201', '--record', heard]);
      expect(await b.exited, b.stderr()).toBe(0);
      expect(b.events.map((e) => e.event)).toEqual(['registered', 'calling', 'connected', 'ended', 'recorded', 'unregistered']);
      expect(b.events.find((e) => e.event === 'ended')).toMatchObject({ by: 'remote' });
      expect(await a.waitFor('incoming')).toMatchObject({ from: '202' });
      expect(await a.waitFor('ended')).toMatchObject({ by: 'local' });

      const samples = readWavAs8kPcm(readFileSync(heard));
      const loud = samples.filter((s) => Math.abs(s) > 4000).length;
      // Most of the tone's second arrived (PCMA keeps the amplitude within a few per cent).
      expect(loud, `${loud} loud samples of ${samples.length}`).toBeGreaterThan(4000);
      expect(await registrations(users['202']!.id)).toHaveLength(0);

      a.child.kill('SIGINT');
      expect(await a.exited, a.stderr()).toBe(0);
      expect(a.events.at(-1)).toMatchObject({ event: 'unregistered', status: 200 });
      expect(await registrations(users['201']!.id)).toHaveLength(0);
    } finally {
      for (const p of [a, b]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  }, PHONE_TEST_MS);

  // Hold is a re-INVITE from either side of the dialog: the caller's (202, whose INVITE made it) and the
  // callee's (201, who answered). Prolope answers a=sendonly with a=recvonly and a=sendrecv with a=sendrecv.
  test.each([
    { holder: '202', a: ['--auto-answer'], b: ['--hold-after', '1', '--hold-for', '1', '--hangup-after', '6'] },
    { holder: '201', a: ['--auto-answer', '--hold-after', '1', '--hold-for', '1'], b: ['--hangup-after', '6'] },
  ])('$holder holds with a=sendonly and gets recvonly, then resumes', async ({ holder, a: aArgs, b: bArgs }) => {
    const a = startPhone(['--user', '201', '--password', users['201']!.password, ...aArgs]);
    let b: PhoneProcess | undefined;
    try {
      await a.waitFor('registered');
      b = startPhone(['--user', '202', '--password', users['202']!.password, '--domain', users['202']!.domain, '--call', '201', ...bArgs]);
      expect(await b.exited, b.stderr()).toBe(0);
      const holding = holder === '202' ? b : a;
      expect(await holding.waitFor('held')).toMatchObject({ status: 200, direction: 'recvonly' });
      expect(await holding.waitFor('resumed')).toMatchObject({ status: 200, direction: 'sendrecv' });
      a.child.kill('SIGINT');
      expect(await a.exited, a.stderr()).toBe(0);
    } finally {
      for (const p of [a, b]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  }, PHONE_TEST_MS);

  test("a wrong password exits 3 with the registrar's refusal (403), and --press rejects non-digits before any SIP", async () => {
    const wrong = startPhone(['--user', '201', '--password', 'not-the-password', '--domain', users['201']!.domain]);
    expect(await wrong.exited).toBe(3);
    expect(wrong.stderr()).toMatch(/Registration of 201@\S+ failed: 403/);
    const bad = await runCli(['phone', '--user', '201', '--password', 'x', '--domain', 'd', '--server', sip, '--press', '1x'], env);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--press: not a DTMF key: "x"');
  }, PHONE_TEST_MS);
});
