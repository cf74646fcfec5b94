import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exitCodes } from '../errors.js';
import { runCli } from '../testing/run-cli.js';
import { accountFlags, startTestServer, type TestServer } from '../testing/test-server.js';

const menu = (say: string) => ({
  start: 'main',
  nodes: {
    main: { type: 'menu', prompt: { say }, choices: [{ digits: '1', next: 'bye' }], default: 'bye' },
    bye: { type: 'hangup' },
  },
});

let t: TestServer;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'prolope-flows-cli-'));

beforeAll(async () => {
  t = await startTestServer();
  const account = await runCli(['accounts', 'create', ...accountFlags('Flows CLI OOD'), '--json'], { PROLOPE_API_KEY: t.operatorKey, PROLOPE_BASE_URL: t.url });
  expect(account.exitCode, account.stderr).toBe(0);
  env = { PROLOPE_API_KEY: account.json<{ initial_api_key: { secret: string } }>().initial_api_key.secret, PROLOPE_BASE_URL: t.url };
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('prolope flows, against a server', () => {
  test('create, validate, publish twice, diff and rollback from the commands the spec generates', async () => {
    const body = (name: string, definition: unknown) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify({ definition }));
      return `@${path}`;
    };
    const created = await runCli(['flows', 'create', '--name', 'Main line', '--data', body('v1.json', menu('Press 1')), '--json'], env);
    expect(created.exitCode, created.stderr).toBe(0);
    const id = created.json<{ id: string }>().id;

    const valid = await runCli(['flows', 'validate', id, '--json'], env);
    expect(valid.exitCode, valid.stderr).toBe(0);
    expect(valid.json()).toEqual({ object: 'flow_validation', valid: true, problems: [] });

    expect((await runCli(['flows', 'publish', id, '--json'], env)).json()).toMatchObject({ revision: 1 });
    expect((await runCli(['flows', 'update', id, '--data', body('v2.json', menu('Press 1 to leave')), '--json'], env)).exitCode).toBe(0);
    expect((await runCli(['flows', 'publish', id, '--json'], env)).json()).toMatchObject({ revision: 2 });

    const diff = await runCli(['flows', 'diff', id, '--from', '1', '--to', '2', '--json'], env);
    expect(diff.exitCode, diff.stderr).toBe(0);
    expect(diff.json()).toMatchObject({ nodes_changed: [{ node: 'main', fields: ['prompt'] }], transitions_rewired: [] });

    const rolled = await runCli(['flows', 'rollback', id, '--revision', '1', '--json'], env);
    expect(rolled.json()).toMatchObject({ revision: 3, rolled_back_from: 1, definition: menu('Press 1') });

    // A draft with an error is refused with the API's code, and the CLI exits 1.
    await runCli(['flows', 'update', id, '--data', body('bad.json', { start: 'nowhere', nodes: { bye: { type: 'hangup' } } })], env);
    const refused = await runCli(['flows', 'publish', id], env);
    expect(refused.exitCode).toBe(exitCodes.error);
    expect(refused.stderr).toContain('flow_invalid');
  });
});
