// `sip-trunks capacity` without an id: computed by the SDK's capacity(), with no server and no key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exitCodes } from './errors.js';
import { runCli } from './testing/run-cli.js';

interface Capacity {
  object: 'capacity';
  lines: number;
  kind: 'ip' | 'web';
  per_line_kbps: number;
  required_kbps: number;
  link: { type: string; bandwidth_kbps: number; delay_ms?: number; static_ip: boolean } | null;
  meets: boolean | null;
  reasons: { rule: string; message: string }[];
}

// No key anywhere, and a base URL nothing listens on: any request would fail with exit code 3 or 5.
const nowhere = { PROLOPE_API_KEY: undefined, PROLOPE_PROFILE: undefined, PROLOPE_BASE_URL: 'http://127.0.0.1:1' };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prolope-offline-'));
  process.env.PROLOPE_CONFIG_DIR = join(dir, 'config');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('capacity offline', () => {
  test.each([
    { argv: ['trunks', 'capacity', '--lines', '30', '--kind', 'web'], kind: 'web', required: 4350 },
    { argv: ['trunks', 'capacity', '--lines', '30', '--kind', 'ip'], kind: 'ip', required: 2400 },
    { argv: ['sip-trunks', 'capacity', '--lines', '30'], kind: 'ip', required: 2400 },
  ])('$argv.0 $argv.1 $argv.2 $argv.3 $argv.4 $argv.5 → $required kbit/s', async ({ argv, kind, required }) => {
    const result = await runCli([...argv, '--json'], nowhere);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.json<Capacity>()).toEqual({
      object: 'capacity',
      lines: 30,
      kind,
      per_line_kbps: required / 30,
      required_kbps: required,
      link: null,
      meets: null,
      reasons: [],
    });
    expect(result.stderr).toBe('');
  });

  test('prints the answer as a table without --json', async () => {
    const result = await runCli(['trunks', 'capacity', '--lines', '30', '--kind', 'web'], nowhere);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^required_kbps\s+4350 kbit\/s$/m);
    expect(result.stdout).toMatch(/^meets\s+-$/m);
  });

  test('a leased line with 40 ms delay fails the delay rule, and says why', async () => {
    const argv = ['trunks', 'capacity', '--lines', '30', '--link-type', 'leased_line', '--bandwidth-kbps', '1000000', '--delay-ms', '40'];
    const json = await runCli([...argv, '--json'], nowhere);
    expect(json.exitCode, json.stderr).toBe(0);
    const answer = json.json<Capacity>();
    expect(answer).toMatchObject({
      required_kbps: 2400,
      link: { type: 'leased_line', bandwidth_kbps: 1_000_000, delay_ms: 40, static_ip: true },
      meets: false,
      reasons: [{ rule: 'leased_line_delay', message: expect.stringContaining('at most 20 ms') }],
    });
    expect(answer.reasons).toHaveLength(1);

    const text = await runCli(argv, nowhere);
    expect(text.stdout).toMatch(/^meets\s+false$/m);
    expect(text.stdout).toMatch(/^reasons\[0\]\.rule\s+leased_line_delay$/m);
    expect(text.stdout).toMatch(/^reasons\[0\]\.message\s+A leased line may have at most 20 ms .*40 ms\.$/m);
  });

  test('--static-ip and --no-static-ip describe the link too', async () => {
    const result = await runCli(['trunks', 'capacity', '--lines', '1', '--bandwidth-kbps', '100', '--no-static-ip', '--json'], nowhere);
    expect(result.json<Capacity>()).toMatchObject({ link: { type: 'internet', static_ip: false }, meets: false, reasons: [{ rule: 'static_ip' }] });
  });

  test('link flags without --bandwidth-kbps, or no --lines, are usage errors', async () => {
    const noBandwidth = await runCli(['trunks', 'capacity', '--lines', '3', '--delay-ms', '4', '--json'], nowhere);
    expect(noBandwidth.exitCode).toBe(exitCodes.usage);
    expect(noBandwidth.errorJson().error.message).toContain('Give --bandwidth-kbps to describe the link');
    const noLines = await runCli(['trunks', 'capacity', '--kind', 'web'], nowhere);
    expect(noLines.exitCode).toBe(exitCodes.usage);
    expect(noLines.stderr).toContain('Missing required flag lines');
  });

  test('with an id the command calls the API instead', async () => {
    // Nothing listens on port 1, so reaching for the network shows the id sent it online.
    const result = await runCli(['trunks', 'capacity', 'trk_123', '--lines', '30', '--api-key', 'pk_live_x', '--json'], nowhere);
    expect(result.exitCode).toBe(exitCodes.connection);
    expect(result.errorJson().error.message).toContain('GET http://127.0.0.1:1/v1/sip-trunks/trk_123/capacity');
  });
});
