// Builds the package when its sources changed and runs the real `bin/run.js`, so oclif's explicit command discovery
// (package.json → dist/commands.js), topic help and process exit codes are covered too.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from './testing/test-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/run.js');
let t: TestServer;

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // COLUMNS too: output here is piped, and tables are fitted only when a test asks for a width.
  for (const name of ['PROLOPE_API_KEY', 'PROLOPE_BASE_URL', 'PROLOPE_PROFILE', 'COLUMNS']) if (!(name in extra)) delete env[name];
  return env;
}

function prolope(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [bin, ...args], { env: cleanEnv({ PROLOPE_CONFIG_DIR: t.configDir, ...env }) }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Whether a source file is newer than the build. `pnpm test` builds first, so then nothing is
 * rebuilt here: tsup empties dist/ while it builds, and pack-install.test.ts may be packing that
 * same dist/ in another worker at the time.
 */
function buildIsStale(): boolean {
  const built = join(root, 'dist/commands.js');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  return sources.some((f) => statSync(join(root, 'src', f)).mtimeMs > builtAt) || statSync(join(root, 'package.json')).mtimeMs > builtAt;
}

beforeAll(async () => {
  if (buildIsStale()) execFileSync(join(root, '../../node_modules/.bin/tsup'), { cwd: root, stdio: 'ignore' });
  t = await startTestServer();
});
afterAll(() => t.close());

describe('bin/run.js', () => {
  test('help lists generated topics and commands with spaces', async () => {
    const top = await prolope(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^\s+api-keys\s+API keys: create, list, retrieve, revoke$/m);
    expect(top.stdout).toMatch(/^\s+dev\s+Run a local Prolope server$/m);
    const keys = await prolope(['api-keys', '--help']);
    expect(keys.stdout).toMatch(/^\s+api-keys revoke\s+Revoke an API key$/m);
  });

  test('a topic alias has its own help topic and runs the same commands, offline capacity included', async () => {
    const top = await prolope(['--help']);
    // oclif wraps the description to the terminal width, so any whitespace may separate the words.
    expect(top.stdout).toMatch(/^\s+trunks\s+Same as sip-trunks: capacity,\s+create,\s+list,\s+retrieve,\s+update$/m);
    const trunks = await prolope(['trunks', '--help']);
    expect(trunks.stdout).toMatch(/^\s+trunks create\s+Create a SIP trunk$/m);
    const help = await prolope(['trunks', 'create', '--help']);
    expect(help.stdout).toMatch(/^ALIASES\n\s+\$ prolope trunks create$/m);

    // No key, no server: computed by the SDK in the process.
    const offline = await prolope(['trunks', 'capacity', '--lines', '30', '--kind', 'web', '--json'], { PROLOPE_BASE_URL: 'http://127.0.0.1:1' });
    expect(offline.code, offline.stderr).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({ object: 'capacity', required_kbps: 4350, meets: null });
  });

  test('runs API commands and exits with the documented codes', async () => {
    const env = { PROLOPE_API_KEY: t.operatorKey, PROLOPE_BASE_URL: t.url };
    const me = await prolope(['accounts', 'me', '--json'], env);
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ object: 'account', name: 'Prolope platform operator' });

    const missing = await prolope(['api-keys', 'retrieve', 'key_doesnotexist', '--json'], env);
    expect(missing.code).toBe(4);
    expect(missing.stdout).toBe('');
    expect(JSON.parse(missing.stderr).error).toMatchObject({ code: 'not_found', exit_code: 4 });

    const unknownFlag = await prolope(['accounts', 'me', '--nope'], env);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain('Nonexistent flag: --nope');
    expect(unknownFlag.stderr).toContain('See: prolope accounts me --help');

    const badKey = await prolope(['accounts', 'me'], { ...env, PROLOPE_API_KEY: `pk_live_${'z'.repeat(20)}` });
    expect(badKey.code).toBe(3);
  });

  test('dev starts a server, saves the dev profile, and stops on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prolope-dev-'));
    const configDir = join(dir, 'config');
    let child: ChildProcess | undefined;
    try {
      child = spawn('node', [bin, 'dev', '--port', '0', '--sip-port', '0', '--data-dir', join(dir, 'data'), '--json'], {
        env: cleanEnv({ PROLOPE_CONFIG_DIR: configDir }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child?.stdout?.on('data', (chunk) => {
          out += chunk;
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        });
        void exited.then(() => reject(new Error(`dev exited early: ${stderr}`)));
      });
      const info = JSON.parse(line);
      expect(info).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), profile: 'dev' });
      expect(info.operator_key).toMatch(/^pk_live_/);
      // A fresh dev server has numbers to buy at once.
      expect(info.stocked_test_numbers).toHaveLength(10);
      expect(info.stocked_test_numbers[0]).toBe('+35929000001');

      const file = join(configDir, 'config.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
        default_profile: 'dev',
        profiles: { dev: { api_key: info.operator_key, base_url: info.url } },
      });

      // With no key or URL given, the next command uses the saved dev profile.
      const me = await new Promise<string>((resolve, reject) =>
        execFile('node', [bin, 'accounts', 'me', '--json'], { env: cleanEnv({ PROLOPE_CONFIG_DIR: configDir }) }, (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        ),
      );
      expect(JSON.parse(me)).toMatchObject({ object: 'account', name: 'Prolope platform operator' });

      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mistakes are named as typed, with what to do instead', () => {
  test('an unknown command suggests the closest in space form and exits 2, as JSON with --json', async () => {
    const wrong = await prolope(['number', 'list', '--limit', '5']);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toBe('Error: There is no command "prolope number list". Did you mean: prolope numbers list --limit 5\nSee: prolope --help\n');

    const typo = await prolope(['numbers', 'lst']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean: prolope numbers list');
    expect(typo.stderr).toContain('See: prolope numbers --help');

    const json = await prolope(['contact', 'create', '--name', 'Ana B', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr).error).toEqual({
      code: 'usage_error',
      exit_code: 2,
      message: `There is no command "prolope contact create". Did you mean: prolope contacts create --name 'Ana B' --json`,
    });

    const nothing = await prolope(['frobnicate']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe('Error: There is no command "prolope frobnicate".\nSee: prolope --help\n');
    for (const r of [wrong, typo, json, nothing]) expect(r.stderr).not.toMatch(/\w:\w/);
  });

  test('a missing required flag is named with its dashes and what to add', async () => {
    const simulate = await prolope(['billing', 'simulate', '--plan', 'plan_1'], { PROLOPE_API_KEY: t.operatorKey, PROLOPE_BASE_URL: t.url });
    expect(simulate.code).toBe(2);
    expect(simulate.stderr).toBe('Error: Missing required flag --from: add --from <value>.\nSee: prolope billing simulate --help\n');

    const sla = await prolope(['sla', 'due', '--json']);
    expect(sla.code).toBe(2);
    expect(JSON.parse(sla.stderr).error).toMatchObject({
      code: 'usage_error',
      message: 'Missing required flag --severity: add --severity <critical|high|medium|low>.',
    });
  });
});

describe('version', () => {
  test('--version, -v and version print the same line as version --json describes', async () => {
    const json = await prolope(['version', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const v = JSON.parse(json.stdout);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(v).toEqual({ object: 'version', name: 'prolope', version: pkg.version, platform: process.platform, arch: process.arch, node: process.version });
    const line = `prolope/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`;
    for (const args of [['--version'], ['-v'], ['version']]) {
      const r = await prolope(args);
      expect({ args, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, code: 0, stdout: line, stderr: '' });
    }
  });
});

describe('tables', () => {
  const width = (text: string) =>
    Math.max(
      ...text
        .trimEnd()
        .split('\n')
        .map((l) => Array.from(l).length),
    );

  test('fit COLUMNS, cutting wide columns with … but never the id; --wide and piped output are in full', async () => {
    const env = { PROLOPE_API_KEY: t.operatorKey, PROLOPE_BASE_URL: t.url };
    const keys = JSON.parse((await prolope(['api-keys', 'list', '--json'], env)).stdout).data as { id: string; created_at: string }[];
    const key = keys[0];
    if (!key) throw new Error('the test server has an operator key');

    const piped = await prolope(['api-keys', 'list'], env);
    expect(piped.code, piped.stderr).toBe(0);
    expect(width(piped.stdout)).toBeGreaterThan(120);
    expect(piped.stdout).toContain(key.created_at);

    const fitted = await prolope(['api-keys', 'list'], { ...env, COLUMNS: '120' });
    expect(fitted.code, fitted.stderr).toBe(0);
    expect(width(fitted.stdout)).toBe(120);
    expect(fitted.stdout).toMatch(new RegExp(`^${key.id}  `, 'm'));
    expect(fitted.stdout).toContain('…');
    // The id column and its header stay whole; which other columns are cut depends on their widths.
    expect(fitted.stdout.split('\n')[0]).toMatch(/^ID {2,}[A-Z]/);

    const wide = await prolope(['api-keys', 'list', '--wide'], { ...env, COLUMNS: '120' });
    expect(wide.stdout).toBe(piped.stdout);

    const one = await prolope(['api-keys', 'retrieve', key.id], { ...env, COLUMNS: '40' });
    expect(one.code, one.stderr).toBe(0);
    expect(width(one.stdout)).toBeLessThanOrEqual(40);
    expect(one.stdout).toMatch(/^last_used_at +\S+$/m);
  });
});
