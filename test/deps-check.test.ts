import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The dependency rules of .dependency-cruiser.cjs (`pnpm deps:check`, run by CI): each one fails on
 * a violation planted in a throwaway tree shaped like this repository, passes on what it allows, and
 * the real packages pass.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = join(root, '.dependency-cruiser.cjs');
const run = promisify(execFile);
const trees: string[] = [];

afterAll(() => {
  for (const dir of trees) rmSync(dir, { recursive: true, force: true });
});

/** Runs the checker as CI does; `ok` is its exit status, `output` what it printed. */
async function check(cwd: string, targets: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, '--config', config, '--output-type', 'err', ...targets], { cwd });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const failed = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** A throwaway tree: each file imports the given relative paths (and uses them, as real code does). */
function tree(files: Record<string, string[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'prolope-deps-'));
  trees.push(dir);
  copyFileSync(join(root, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  for (const [path, imports] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    const lines = imports.map((spec, i) => `import * as m${i} from '${spec}';`);
    const uses = imports.map((_, i) => `m${i}`).join(', ');
    writeFileSync(join(dir, path), `${lines.join('\n')}\nexport const used = [${uses}];\n`);
  }
  return dir;
}

const S = 'packages/server/src';

// What `pnpm deps:check` cruises (packages/<name>/src), whatever packages exist.
function packageSources(): string[] {
  return readdirSync(join(root, 'packages'))
    .map((name) => `packages/${name}/src`)
    .filter((dir) => existsSync(join(root, dir)));
}

/**
 * One planted violation per rule, each from a file of its own, all in one tree: one run of the checker
 * (it takes seconds) must name every rule at its planted file.
 */
const planted: { rule: string; files: Record<string, string[]> }[] = [
  { rule: 'no-circular', files: { [`${S}/calls/a.ts`]: ['./b.js'], [`${S}/calls/b.ts`]: ['./c.js'], [`${S}/calls/c.ts`]: ['./a.js'] } },
  { rule: 'telephony-imports-no-calls', files: { [`${S}/telephony/voice.ts`]: ['../calls/inbound.js'], [`${S}/calls/inbound.ts`]: [] } },
  { rule: 'telephony-imports-no-domain', files: { [`${S}/telephony/sip/uas.ts`]: ['../../sip-trunks/digest.js'], [`${S}/sip-trunks/digest.ts`]: [] } },
  { rule: 'http-imports-no-domain', files: { [`${S}/http/safe-fetch.ts`]: ['../webhook-endpoints/guard.js'], [`${S}/webhook-endpoints/guard.ts`]: [] } },
  { rule: 'base-imports-only-base', files: { [`${S}/store/db.ts`]: ['../http/auth.js'], [`${S}/http/auth.ts`]: [] } },
  { rule: 'deps-imports-no-domain', files: { [`${S}/deps.ts`]: ['./calls/outbound.js'], [`${S}/calls/outbound.ts`]: [] } },
  { rule: 'no-other-domains-store', files: { [`${S}/calls/route.ts`]: ['../sip-trunks/store.js'], [`${S}/sip-trunks/store.ts`]: [] } },
  { rule: 'verbs-above-adapters', files: { [`${S}/telephony/embedded/backend.ts`]: ['../verbs/say.js'], [`${S}/telephony/verbs/say.ts`]: [] } },
  { rule: 'shared-telephony-sees-no-adapter', files: { [`${S}/telephony/media/rtp.ts`]: ['../drachtio/ng.js'], [`${S}/telephony/drachtio/ng.ts`]: [] } },
  { rule: 'adapters-import-no-other-adapter', files: { [`${S}/telephony/drachtio/inbound.ts`]: ['../embedded/digest.js'], [`${S}/telephony/embedded/digest.ts`]: [] } },
  { rule: 'adapters-only-from-root', files: { [`${S}/calls/dial.ts`]: ['../telephony/embedded/rtp.js'], [`${S}/telephony/embedded/rtp.ts`]: [] } },
  { rule: 'nothing-imports-the-root', files: { [`${S}/numbers/service.ts`]: ['../server.js'], [`${S}/server.ts`]: [] } },
  { rule: 'libraries-import-no-server-or-cli', files: { 'packages/sdk/src/client.ts': ['../../server/src/index.js'], [`${S}/index.ts`]: [] } },
  {
    rule: 'cli-runs-the-server-only-in-dev-and-call-test',
    files: { 'packages/cli/src/commands/billing-simulate.ts': ['../../../server/src/billing.js'], [`${S}/billing.ts`]: [] },
  },
  { rule: 'server-imports-no-cli', files: { [`${S}/app.ts`]: ['../../cli/src/index.js'], 'packages/cli/src/index.ts': [] } },
];

describe('dependency rules (pnpm deps:check)', () => {
  let violations: { ok: boolean; output: string };
  beforeAll(async () => {
    violations = await check(tree(Object.assign({}, ...planted.map((p) => p.files))), ['packages']);
  }, 120_000);

  it('fails when a rule is broken', () => {
    expect(violations.ok).toBe(false);
  });

  it.each(planted)('$rule fails on its planted violation', ({ rule, files }) => {
    const from = Object.keys(files)[0];
    expect(violations.output).toContain(`error ${rule}: ${from} →`);
  });

  it('passes on imports the layers allow', async () => {
    const dir = tree({
      // The composition root wires a domain onto an adapter; a domain sees telephony through backend.ts.
      [`${S}/voice.ts`]: ['./calls/inbound.js', './telephony/embedded/backend.js', './telephony/media/answer.js'],
      [`${S}/calls/inbound.ts`]: ['../telephony/backend.js', './store.js', '../numbers/service.js', '../http/auth.js', '../store/db.js'],
      [`${S}/calls/store.ts`]: ['../store/db.js'],
      [`${S}/numbers/service.ts`]: ['./store.js', '../clock.js'],
      [`${S}/numbers/store.ts`]: [],
      [`${S}/telephony/backend.ts`]: [],
      [`${S}/telephony/media/answer.ts`]: ['../backend.js'],
      [`${S}/telephony/embedded/backend.ts`]: ['../backend.js', '../media/answer.js', '../sip/digest.js', '../../clock.js'],
      [`${S}/telephony/drachtio/backend.ts`]: ['../backend.js', '../sip/digest.js'],
      [`${S}/telephony/sip/digest.ts`]: ['../backend.js'],
      [`${S}/http/auth.ts`]: ['../store/db.js', '../errors.js'],
      [`${S}/store/db.ts`]: ['../clock.js'],
      [`${S}/clock.ts`]: [],
      [`${S}/errors.ts`]: [],
      // `prolope dev` loads the server it runs.
      'packages/cli/src/load-server.ts': ['../../server/src/index.js'],
      [`${S}/index.ts`]: [],
      // Tests start whole servers, so they may reach across layers.
      [`${S}/telephony/embedded/backend.test.ts`]: ['../../calls/inbound.js', '../../numbers/store.js'],
    });
    const result = await check(dir, ['packages']);
    expect(result.output).toContain('no dependency violations found');
    expect(result.ok).toBe(true);
  }, 60_000);

  it('passes on the real packages', async () => {
    const result = await check(root, packageSources());
    expect(result.output).toContain('no dependency violations found');
    expect(result.ok).toBe(true);
  }, 120_000);
});
