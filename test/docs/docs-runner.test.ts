import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@prolope/server';
import { describe, expect, it } from 'vitest';
import { type RunnableBlock, runnableBlocks } from './runnable-blocks.js';

// Every shell block in README.md and docs/*.md marked ```sh runnable``` runs here, in order, one bash
// per document (so an `export` or an `alias` in one block holds in the next), against a server of its
// own started like `pnpm start` on a fresh clone (development mode: the ten test numbers are stocked).
// A block fails the test when any command in it fails (`set -euo pipefail`), so the docs cannot drift
// from what the code does.
//
// What a reader has that a script does not is given, and nothing else:
// - OPERATOR_KEY: the operator key the start command printed (the docs say to export it);
// - PROLOPE_API_KEY: the admin key of a customer account, as after the README quickstart's account
//   step (a doc that needs numbers or a trunk buys or creates them in its own blocks), and
//   PROLOPE_BASE_URL, as a reader's `prolope login` profile has it;
// - the server's address: http://127.0.0.1:3000 (or localhost:3000) and SIP on 127.0.0.1:5060 in the docs are replaced
//   with the free ports this server got, so a server a developer runs on 3000 is never touched;
// - a working folder that holds the repository's packages/, examples/ and scripts/ (as symlinks), a
//   home and a CLI config folder of its own, and `prolope` on PATH (this checkout's CLI).
const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const byDoc = docs.map((file) => ({ file, blocks: runnableBlocks(root, file) })).filter((d) => d.blocks.length > 0);

// `export X=$(cmd)` succeeds even when cmd fails (export's own status wins; ShellCheck SC2155), so a
// runnable doc that wrote it would pass while broken: assign, then export.
const MASKED = /^\s*(export|local|declare|readonly)\s+\w+=\$\(/m;

function script(blocks: RunnableBlock[], url: string, sipPort: number): string {
  const parts = ['set -euo pipefail', 'shopt -s expand_aliases'];
  for (const block of blocks) {
    const code = block.code
      .replaceAll('http://127.0.0.1:3000', url)
      .replaceAll('http://localhost:3000', url)
      .replaceAll('127.0.0.1:5060', `127.0.0.1:${sipPort}`);
    parts.push(`echo "::block ${block.file}:${block.line}" >&2`, code);
  }
  return `${parts.join('\n')}\n`;
}

function run(file: string, env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('runnable docs', () => {
  it('marks runnable blocks in the README and the docs', () => {
    expect(byDoc.map((d) => d.file)).toContain('README.md');
  });

  it.each(byDoc)('$file: runnable blocks never hide a failure behind export', ({ blocks }) => {
    const masked = blocks.filter((b) => MASKED.test(b.code)).map((b) => `${b.file}:${b.line}`);
    expect(masked, 'write NAME=$(...) then export NAME').toEqual([]);
  });

  it.each(byDoc)('$file: every runnable block succeeds against a fresh server', async ({ file, blocks }) => {
    const work = mkdtempSync(join(tmpdir(), 'prolope-docs-'));
    for (const dir of ['packages', 'examples', 'scripts', 'bench', 'openapi']) symlinkSync(join(root, dir), join(work, dir));
    mkdirSync(join(work, '.home'));
    // `prolope` on PATH, as a reader who installed the CLI has it: the CLI of this checkout.
    mkdirSync(join(work, '.bin'));
    writeFileSync(join(work, '.bin', 'prolope'), `#!/bin/sh\nexec node ${JSON.stringify(join(root, 'scripts', 'prolope.mjs'))} "$@"\n`, { mode: 0o755 });
    const server = await startServer({
      config: { port: 0, host: '127.0.0.1', sipPort: 0, sipHost: '127.0.0.1', dataDir: join(work, '.prolope'), rateLimitPerSecond: 0, stockTestNumbers: true },
      logger: false,
      deliveries: { loop: false },
      billing: { loop: false },
      incidents: { loop: false },
    });
    try {
      const operatorKey = server.createdOperatorKey;
      expect(operatorKey).toMatch(/^pk_live_/);
      const sipPort = server.sipPort ?? 0;
      const customer = await fetch(`${server.url}/v1/accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Docs Reader',
          legal_entity: { type: 'company', legal_name: 'Docs Reader OOD', country: 'BG' },
          signatory: { name: 'Ivana Petrova', email: 'ivana@docs.example', confirms_age_18_or_over: true, confirms_authority: true },
        }),
      });
      expect(customer.status).toBe(201);
      const customerKey = ((await customer.json()) as { initial_api_key: { secret: string } }).initial_api_key.secret;
      const path = join(work, '.run.sh');
      writeFileSync(path, script(blocks, server.url, sipPort));
      const env: NodeJS.ProcessEnv = {
        PATH: `${join(work, '.bin')}:${process.env.PATH ?? ''}`,
        HOME: join(work, '.home'),
        PROLOPE_CONFIG_DIR: join(work, '.home', 'prolope'),
        OPERATOR_KEY: operatorKey,
        PROLOPE_API_KEY: customerKey,
        PROLOPE_BASE_URL: server.url,
        TERM: 'dumb',
      };
      const { code, output } = await run(path, env, work);
      const failedAt = [...output.matchAll(/::block (\S+)/g)].at(-1)?.[1] ?? `${file} (before its first block)`;
      if (code !== 0) throw new Error(`the runnable block at ${failedAt} failed (exit ${code}):\n${output.slice(-4000)}`);
      expect(output).toContain(`::block ${blocks.at(-1)?.file}:${blocks.at(-1)?.line}`);
    } finally {
      await server.close();
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});
