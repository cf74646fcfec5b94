import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../errors.js';
import { runCli } from '../testing/run-cli.js';

// The runnable example is what these tests run, so it cannot rot.
const example = (name: string) => fileURLToPath(new URL(`../../../../examples/flows/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'prolope-flows-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('prolope flows lint', () => {
  it('a clean flow: no problems, exit 0', async () => {
    const r = await runCli(['flows', 'lint', example('flow.json')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('0 errors, 0 warnings');
  });

  it('errors: each with its code and node, exit 1 with flow_invalid', async () => {
    const path = file('bad.json', {
      start: 'menu',
      nodes: {
        menu: {
          type: 'menu',
          prompt: { say: 'Hi {{who}}' },
          choices: [
            { digits: '1', next: 'gone' },
            { digits: '1', next: 'bye' },
          ],
        },
        bye: { type: 'hangup' },
        lost: { type: 'hangup' },
      },
    });
    const r = await runCli(['flows', 'lint', path, '--json']);
    expect(r.exitCode).toBe(exitCodes.error);
    const out = r.json<{ errors: number; warnings: number; problems: { code: string; node: string }[] }>();
    expect(out.problems.map((p) => `${p.code}@${p.node}`)).toEqual([
      'flow_unknown_node@menu',
      'flow_unreachable_node@lost',
      'flow_unknown_variable@menu',
      'flow_duplicate_choice@menu',
    ]);
    expect(out).toMatchObject({ errors: 4, warnings: 0 });
    expect(r.errorJson().error).toMatchObject({ code: 'flow_invalid', exit_code: 1 });
    const text = await runCli(['flows', 'lint', path]);
    expect(text.stdout).toContain('error   flow_unknown_node at menu: menu goes to gone on choice:0, and there is no node gone.');
  });

  it('enqueue needs --contact-center', async () => {
    const path = file('queue.yaml', 'start: q\nnodes:\n  q: { type: enqueue, queue_id: que_1 }\n');
    expect((await runCli(['flows', 'lint', path])).exitCode).toBe(1);
    expect((await runCli(['flows', 'lint', path, '--contact-center'])).exitCode).toBe(0);
  });

  it('a file that is not a flow is a usage error, naming what is missing', async () => {
    const cases: [string, string][] = [
      [file('list.json', '[1, 2]'), 'it needs "start"'],
      [file('node.json', { start: 'a', nodes: { a: { text: 'x' } } }), 'node a is not an object with a "type"'],
      [file('broken.json', '{"start": '), 'neither JSON nor YAML'],
      [join(dir, 'missing.json'), 'Cannot read the flow file'],
    ];
    for (const [path, message] of cases) {
      const r = await runCli(['flows', 'lint', path, '--json']);
      expect(r.exitCode).toBe(exitCodes.usage);
      expect(r.errorJson().error.message).toContain(message);
    }
  });
});

describe('prolope flows test', () => {
  it('the example: six cases pass with full transition coverage', async () => {
    const r = await runCli(['flows', 'test', example('flow.json'), example('cases.yaml')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('PASS  in hours, 2 pressed, billing answers');
    expect(r.stdout).toContain('      path:    hours > welcome > menu > billing');
    expect(r.stdout).toContain('      outcome: transferred to number +35924000001 (at billing)');
    expect(r.stdout).toContain('6 passed, 0 failed');
    expect(r.stdout).toContain('transition coverage: 10/10 (100 %)');
    const json = (await runCli(['flows', 'test', example('flow.json'), example('cases.yaml'), '--json'])).json<{
      passed: number;
      coverage: { percent: number };
      cases: { transcript: { heard: string[] } }[];
    }>();
    expect(json.passed).toBe(6);
    expect(json.coverage.percent).toBe(100);
    expect(json.cases[2]?.transcript.heard).toEqual(['We are closed. Please leave a message after the tone.']);
  });

  it('a case expecting the wrong prompt fails with exit 1 and shows where it differs', async () => {
    const cases = file('wrong.yaml', '- name: wrong prompt\n  steps: [{ press: "2" }]\n  expect:\n    heard: ["Welcome to Acme.", "Press 3 for billing."]\n');
    const r = await runCli(['flows', 'test', example('flow.json'), cases]);
    expect(r.exitCode).toBe(exitCodes.error);
    expect(r.stdout).toContain('FAIL  wrong prompt');
    expect(r.stdout).toContain('✗ heard[1]: expected "Press 3 for billing.", got "For sales press 1 or say sales. For billing press 2 or say billing."');
    expect(r.stdout).toContain('0 passed, 1 failed');
    expect(r.stdout).toContain('  not taken: menu --default--> operator');
    expect((await runCli(['flows', 'test', example('flow.json'), cases, '--json'])).errorJson().error.code).toBe('flow_test_failed');
  });

  it('subflows by path, relative to the cases file', async () => {
    file('ask.json', {
      start: 'ask',
      nodes: { ask: { type: 'gather', prompt: { say: 'PIN?' }, into: 'pin', next: 'back' }, back: { type: 'return', values: { pin: '{{pin}}' } } },
    });
    const main = file('main.json', {
      start: 's',
      nodes: { s: { type: 'subflow', flow_id: 'flw_ask', returns: { code: 'pin' }, next: 'bye' }, bye: { type: 'say', text: 'Code {{code}}' } },
    });
    const cases = file(
      'sub.yaml',
      '- name: pin\n  flows: { flw_ask: ask.json }\n  steps: [{ press: "1234" }]\n  expect: { heard: ["PIN?", "Code 1234"], variables: { code: "1234" } }\n',
    );
    const r = await runCli(['flows', 'test', main, cases]);
    expect(r.stdout).toContain('PASS  pin');
    expect(r.exitCode).toBe(0);
  });

  it('a cases file without cases is a usage error', async () => {
    const r = await runCli(['flows', 'test', example('flow.json'), file('empty.yaml', 'cases: []\n'), '--json']);
    expect(r.exitCode).toBe(exitCodes.usage);
    expect(r.errorJson().error.message).toContain('holds no test cases');
  });
});
