// The packages as a user gets them: `pnpm pack` each one (what `pnpm publish` uploads), install the
// tarballs with npm into an empty project outside the workspace, and run them from there. Nothing
// is linked to the monorepo, so a missing file, a `workspace:` range or a dependency that only the
// workspace provides fails here. The test packs what `pnpm build` made; it builds nothing itself.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const NAMES = { rules: '@prolope/rules', sdk: '@prolope/sdk', webhooks: '@prolope/webhooks', cli: 'prolope', server: '@prolope/server' } as const;
type Pkg = keyof typeof NAMES;
const BUILT: Record<Pkg, string[]> = {
  rules: ['dist/index.js', 'dist/index.d.ts'],
  sdk: ['dist/index.js', 'dist/index.d.ts'],
  webhooks: ['dist/index.js', 'dist/index.d.ts'],
  cli: ['dist/index.js', 'dist/commands.js', 'bin/run.js'],
  server: ['dist/index.js', 'dist/main.js'],
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of every child: no npm or pnpm settings leaked from the runner, no user profile or key. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|prolope_)/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

function run(file: string, args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd, env: childEnv(opts.env), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function ok(file: string, args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<string> {
  const result = await run(file, args, opts);
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** pnpm as the runner has it (`pnpm test` sets npm_execpath), else the repo's own way: npx pnpm@10. */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  // A script (pnpm.cjs) runs with node; pnpm's standalone build is a program of its own.
  if (execPath && /pnpm/.test(execPath)) return /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : [execPath, []];
  return ['npx', ['-y', 'pnpm@10']];
}

/** Resolves with everything a child printed on stdout once it matches `pattern`; rejects with its stderr when it exits first. */
function output(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      if (pattern.test(out)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}:\n${err}\n${out}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function manifest(pkg: Pkg): { version: string } {
  return JSON.parse(readFileSync(join(repo, 'packages', pkg, 'package.json'), 'utf8'));
}

/** Lists a tarball and reads its package.json with the system tar (as npm unpacks it: under package/). */
async function tarball(file: string, cwd: string): Promise<{ files: string[]; pjson: Record<string, unknown> }> {
  const files = (await ok('tar', ['-tzf', file], { cwd })).split('\n').filter(Boolean);
  const pjson = JSON.parse(await ok('tar', ['-xzOf', file, 'package/package.json'], { cwd }));
  return { files, pjson };
}

/**
 * npm's prebuild-install downloads better-sqlite3's prebuilt binary from GitHub, which this machine
 * cannot reach; it would then compile SQLite from source (about two minutes on two cores). The same
 * version's binary, already built for this platform in the workspace, stands in for the download as a
 * "local prebuild" (prebuild-install's documented fallback source), so the server installs as it does
 * for a user whose download works. Returns the npm environment and the version to pin.
 */
async function betterSqlitePrebuild(dir: string): Promise<{ env: Record<string, string>; version: string }> {
  const require = createRequire(join(repo, 'packages/server/package.json'));
  const pkgDir = dirname(require.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const binary = 'build/Release/better_sqlite3.node';
  if (!existsSync(join(pkgDir, binary))) return { env: {}, version };
  const header = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const libc = process.platform === 'linux' && !header?.header?.glibcVersionRuntime ? 'musl' : '';
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
  mkdirSync(dir, { recursive: true });
  await ok('tar', ['-czf', join(dir, name), '-C', pkgDir, binary], { cwd: dir });
  return { env: { npm_config_better_sqlite3_local_prebuilds: dir }, version };
}

let work: string;
let app: string;
const tgz = {} as Record<Pkg, string>;
const bin = () => join(app, 'node_modules/.bin/prolope');
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

beforeAll(async () => {
  for (const pkg of Object.keys(BUILT) as Pkg[]) {
    for (const file of BUILT[pkg]) {
      if (!existsSync(join(repo, 'packages', pkg, file))) {
        throw new Error(`packages/${pkg}/${file} is missing: run \`pnpm build\` first. This test packs what the build made and builds nothing itself.`);
      }
    }
  }
  work = mkdtempSync(join(tmpdir(), 'prolope-pack-'));
  const dest = join(work, 'tarballs');
  const [pnpm, pnpmArgs] = pnpmCommand();
  // As `pnpm publish` packs them: `workspace:` ranges become real versions.
  const packed = JSON.parse(await ok(pnpm, [...pnpmArgs, '-r', '--filter', './packages/*', 'pack', '--pack-destination', dest, '--json'], { cwd: repo })) as {
    name: string;
    filename: string;
  }[];
  for (const pkg of Object.keys(NAMES) as Pkg[]) {
    const file = packed.find((p) => p.name === NAMES[pkg])?.filename;
    if (!file) throw new Error(`pnpm pack made no tarball for ${NAMES[pkg]}: ${JSON.stringify(packed.map((p) => p.name))}`);
    tgz[pkg] = file;
  }
  app = join(work, 'app');
  mkdirSync(app);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed packages, installed with npm outside the workspace', () => {
  test('each tarball has its build, README and Apache-2.0 LICENSE, and no workspace: ranges', async () => {
    const license = readFileSync(join(repo, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    for (const pkg of Object.keys(NAMES) as Pkg[]) {
      const { files, pjson } = await tarball(tgz[pkg], work);
      expect(pjson).toMatchObject({ name: NAMES[pkg], version: manifest(pkg).version, license: 'Apache-2.0', publishConfig: { access: 'public' } });
      expect(pjson.private).toBeUndefined();
      expect(JSON.stringify(pjson)).not.toContain('workspace:');
      for (const file of [...BUILT[pkg], 'README.md', 'LICENSE', 'package.json']) expect(files, `${pkg}: ${file}`).toContain(`package/${file}`);
      // Sources, tests and configs stay out of the tarball.
      expect(files.filter((f) => !/^package\/(dist|bin)\//.test(f)).sort()).toEqual(['package/LICENSE', 'package/README.md', 'package/package.json']);
      expect(await ok('tar', ['-xzOf', tgz[pkg], 'package/LICENSE'], { cwd: work })).toBe(license);
    }
  });

  test('rules, sdk, webhooks and cli install without the server: real folders, no native build; --version, a webhook check, dev says what to install', async () => {
    // The same standardwebhooks version the workspace tests @prolope/webhooks with.
    const sw = createRequire(join(repo, 'packages/webhooks/package.json'))('standardwebhooks/package.json') as { version: string };
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'pack-install-app', private: true, type: 'module' }, null, 2)}\n`);
    // The official standardwebhooks package signs (as any Standard Webhooks sender would), the tarball's @prolope/webhooks verifies.
    // @prolope/rules is not on the registry yet: its tarball stands in for the version the SDK's manifest names.
    await ok('npm', ['install', ...NPM_FLAGS, tgz.rules, tgz.sdk, tgz.webhooks, tgz.cli, `standardwebhooks@${sw.version}`], { cwd: app });

    const nodeModules = join(app, 'node_modules');
    for (const name of [NAMES.rules, NAMES.sdk, NAMES.webhooks, NAMES.cli]) {
      const dir = join(nodeModules, name);
      expect(lstatSync(dir).isSymbolicLink(), `${name} is a link`).toBe(false);
      expect(realpathSync(dir).startsWith(realpathSync(app))).toBe(true);
    }
    const top = readdirSync(nodeModules).flatMap((entry) =>
      entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((e) => `${entry}/${e}`) : [entry],
    );
    expect(top.filter((entry) => lstatSync(join(nodeModules, entry)).isSymbolicLink())).toEqual([]);
    // The server is an optional peer of the CLI: not installed, and so no native SQLite build.
    expect(existsSync(join(nodeModules, NAMES.server))).toBe(false);
    expect(existsSync(join(nodeModules, 'better-sqlite3'))).toBe(false);

    const version = await ok(bin(), ['--version'], { cwd: app });
    expect(version.trim().split(' ')[0]).toBe(`prolope/${manifest('cli').version}`);

    writeFileSync(
      join(app, 'verify-webhook.mjs'),
      `import { Webhook } from 'standardwebhooks';
import { generateSecret, verify, WebhookVerificationError } from '@prolope/webhooks';

const secret = generateSecret();
const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'account.created', created_at: new Date().toISOString(), account_id: 'acct_1', data: { object: { id: 'acct_1', object: 'account' } } });
const now = new Date();
const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('evt_1', now, body) };
const event = verify(body, headers, secret);
let tampered = 'accepted';
try { verify(body.replace('acct_1', 'acct_2'), headers, secret); } catch (err) { tampered = err instanceof WebhookVerificationError ? err.code : String(err); }
console.log(JSON.stringify({ type: event.type, id: event.id, tampered }));
`,
    );
    const checked = JSON.parse(await ok(process.execPath, ['verify-webhook.mjs'], { cwd: app }));
    expect(checked).toEqual({ type: 'account.created', id: 'evt_1', tampered: 'signature_mismatch' });

    // The SDK's rules come from the installed @prolope/rules tarball: the same functions, one copy.
    writeFileSync(
      join(app, 'sdk-rules.mjs'),
      `import * as sdk from '@prolope/sdk';
import * as rules from '@prolope/rules';
console.log(JSON.stringify({ due: sdk.slaDueTimes('high', '2026-12-23T17:00:00+02:00').initial_response, same: sdk.addWorkingDays === rules.addWorkingDays, billing: 'penaltyAccrued' in sdk }));
`,
    );
    const sdkRules = JSON.parse(await ok(process.execPath, ['sdk-rules.mjs'], { cwd: app }));
    expect(sdkRules).toEqual({ due: '2026-12-29T14:00:00.000Z', same: true, billing: false });

    // The range the error message quotes: the packed CLI's peer range, pnpm's `workspace:` gone.
    const peerRange = (dir: string): string =>
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> }).peerDependencies[NAMES.server] ?? '';
    const range = peerRange(join(nodeModules, 'prolope'));
    expect(range).toBe(peerRange(join(repo, 'packages/cli')).replace(/^workspace:/, ''));
    expect(range).toMatch(/^[<>=~^\d]/);
    const dev = await run(bin(), ['dev', '--port', '0', '--sip-port', '0', '--data-dir', join(work, 'no-server'), '--json'], {
      cwd: app,
      env: { PROLOPE_CONFIG_DIR: join(work, 'config-a') },
    });
    expect(dev.code).toBe(1);
    expect(dev.stdout).toBe('');
    const { error } = JSON.parse(dev.stderr);
    expect(error).toMatchObject({ code: 'server_not_installed', exit_code: 1 });
    expect(error.message).toContain(`npm install -g "@prolope/server@${range}"`);
    expect(error.message).toContain(`npm install "@prolope/server@${range}"`);
    expect(existsSync(join(work, 'no-server'))).toBe(false);
  }, 300_000);

  test('with @prolope/server installed next to it, `prolope dev` and `prolope-server` run, and the SDK quickstart works against them', async () => {
    expect(existsSync(bin()), 'the previous test installs the CLI').toBe(true);
    const prebuild = await betterSqlitePrebuild(join(work, 'prebuilds'));
    const pjson = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    // Pinned to the workspace's version so the local prebuild above matches its file name.
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ ...pjson, overrides: { 'better-sqlite3': prebuild.version } }, null, 2)}\n`);
    await ok('npm', ['install', ...NPM_FLAGS, tgz.server], { cwd: app, env: prebuild.env });
    expect(lstatSync(join(app, 'node_modules', NAMES.server)).isSymbolicLink()).toBe(false);
    expect(lstatSync(join(app, 'node_modules/better-sqlite3')).isDirectory()).toBe(true);

    const configDir = join(work, 'config-b');
    const dev = spawn(bin(), ['dev', '--port', '0', '--sip-port', '0', '--data-dir', join(work, 'dev-data'), '--json'], {
      cwd: app,
      env: childEnv({ PROLOPE_CONFIG_DIR: configDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const info = JSON.parse((await output(dev, /\n/)).split('\n')[0] ?? '') as { url: string; operator_key: string; profile: string };
      expect(info).toMatchObject({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        operator_key: expect.stringMatching(/^pk_live_/),
        profile: 'dev',
      });

      // The README's SDK quickstart, unchanged, from the installed @prolope/sdk.
      copyFileSync(join(repo, 'examples/sdk-quickstart/index.mjs'), join(app, 'quickstart.mjs'));
      const quickstart = await ok(process.execPath, ['quickstart.mjs'], { cwd: app, env: { PROLOPE_API_KEY: info.operator_key, PROLOPE_BASE_URL: info.url } });
      expect(quickstart).toMatch(/^server \S+ is ok$/m);
      expect(quickstart).toMatch(/^this key belongs to Prolope platform operator \(acct_\w+\)$/m);
      expect(quickstart).toMatch(/^revoked key_\w+: revoked$/m);
      expect(quickstart).toMatch(/^as expected, not_found \(request req_\w+\)$/m);

      // `dev` saved a profile, so the next command needs no key or URL.
      const me = JSON.parse(await ok(bin(), ['accounts', 'me', '--json'], { cwd: app, env: { PROLOPE_CONFIG_DIR: configDir } }));
      expect(me).toMatchObject({ object: 'account', name: 'Prolope platform operator' });
    } finally {
      dev.kill('SIGINT');
    }
    expect(await exitOf(dev)).toBe(0);

    // The server package's own program, as `npx prolope-server` runs it.
    const server = spawn(join(app, 'node_modules/.bin/prolope-server'), [], {
      cwd: app,
      env: childEnv({
        PROLOPE_PORT: '0',
        PROLOPE_HOST: '127.0.0.1',
        PROLOPE_SIP: 'off',
        PROLOPE_DATA_DIR: join(work, 'server-data'),
        PROLOPE_LOG_LEVEL: 'warn',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      // On a fresh data dir the operator key banner comes first; the URL line follows it.
      const out = await output(server, /Prolope API on http:\/\/\S+/);
      const url = /Prolope API on (http:\/\/\S+)/.exec(out)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${url}/v1/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exitOf(server)).toBe(0);
  }, 300_000);
});
