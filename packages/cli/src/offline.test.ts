// `sip-trunks capacity` without an id: computed by @prolope/rules' capacity() (as the SDK exports it), with no server and no key.
// `sla due`: computed by @prolope/rules' slaDueTimes() (as the SDK exports it) unless --online, with no server and no key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commands } from './commands.js';
import { exitCodes } from './errors.js';
import { offlineByDefault, renderSlaDue, runOffline } from './offline.js';
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
    expect(noLines.stderr).toContain('Missing required flag --lines: add --lines <value>.');
  });

  test('with an id the command calls the API instead', async () => {
    // Nothing listens on port 1, so reaching for the network shows the id sent it online.
    const result = await runCli(['trunks', 'capacity', 'trk_123', '--lines', '30', '--api-key', 'pk_live_x', '--json'], nowhere);
    expect(result.exitCode).toBe(exitCodes.connection);
    expect(result.errorJson().error.message).toContain('GET http://127.0.0.1:1/v1/sip-trunks/trk_123/capacity');
  });
});

const sample = {
  object: 'sla_due',
  severity: 'high',
  clock: 'support_hours',
  started_at: '2026-12-23T15:00:00.000Z',
  initial_response: '2026-12-29T14:00:00.000Z',
  temporary_solution: '2026-12-31T15:00:00.000Z',
  final_resolution: '2027-01-18T15:00:00.000Z',
};

describe('sla due offline', () => {
  test('the offline implementation answers the issue 7 sample, and renders Sofia and UTC times', () => {
    const answer = runOffline('slaDue', { severity: 'high', at: '2026-12-23T17:00:00+02:00' });
    expect(answer).toEqual(sample);
    expect(renderSlaDue(answer as typeof sample & { object: 'sla_due'; severity: 'high'; clock: 'support_hours' })).toBe(
      [
        'severity            high (support hours: weekdays 09:00-18:00 Sofia, statutory calendar)',
        'started_at          2026-12-23 17:00 EET (2026-12-23T15:00:00.000Z)',
        'initial_response    2026-12-29 16:00 EET (2026-12-29T14:00:00.000Z)',
        'temporary_solution  2026-12-31 17:00 EET (2026-12-31T15:00:00.000Z)',
        'final_resolution    2027-01-18 17:00 EET (2027-01-18T15:00:00.000Z)',
      ].join('\n'),
    );
    expect(offlineByDefault['sla.due']?.implementation).toBe('slaDue');
  });

  test('a bad severity or a date without a zone is a usage error', () => {
    expect(() => runOffline('slaDue', { severity: 'urgent', at: '2026-12-23T17:00:00Z' })).toThrow(/severity must be one of critical, high, medium, low/);
    expect(() => runOffline('slaDue', { severity: 'high', at: '2026-12-23T17:00:00' })).toThrow(/RFC 3339/);
  });

  test('the command answers offline by default and has --online to ask the server', () => {
    expect(Object.hasOwn(commands['sla:due']?.flags ?? {}, 'online')).toBe(true);
  });

  test('prolope sla due --severity high --at 2026-12-23T17:00:00+02:00 prints the three due times, no network', async () => {
    const text = await runCli(['sla', 'due', '--severity', 'high', '--at', '2026-12-23T17:00:00+02:00'], nowhere);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^initial_response\s+2026-12-29 16:00 EET \(2026-12-29T14:00:00\.000Z\)$/m);
    expect(text.stdout).toMatch(/^temporary_solution\s+2026-12-31 17:00 EET \(2026-12-31T15:00:00\.000Z\)$/m);
    expect(text.stdout).toMatch(/^final_resolution\s+2027-01-18 17:00 EET \(2027-01-18T15:00:00\.000Z\)$/m);
    expect(text.stderr).toBe('');

    const json = await runCli(['sla', 'due', '--severity', 'high', '--at', '2026-12-23T17:00:00+02:00', '--json'], nowhere);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(json.json()).toEqual(sample);
  });

  test('a bad severity is a usage error; --online asks the server instead', async () => {
    const bad = await runCli(['sla', 'due', '--severity', 'urgent', '--at', '2026-12-23T17:00:00Z', '--json'], nowhere);
    expect(bad.exitCode).toBe(exitCodes.usage);
    const online = await runCli(['sla', 'due', '--severity', 'high', '--at', '2026-12-23T17:00:00Z', '--online', '--json'], nowhere);
    expect(online.exitCode).toBe(exitCodes.connection);
    expect(online.errorJson().error.message).toContain('GET http://127.0.0.1:1/v1/sla/due');
  });

  test('--at defaults to now, offline and with --online (which sends it); the help says so', async () => {
    const before = Date.now();
    const now = await runCli(['sla', 'due', '--severity', 'critical', '--json'], nowhere);
    const after = Date.now();
    expect(now.exitCode, now.stderr).toBe(0);
    const due = now.json<typeof sample>();
    expect(Date.parse(due.started_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(due.started_at)).toBeLessThanOrEqual(after);
    // Critical runs on a 24/7 clock: the first response is due an hour after the start.
    expect(Date.parse(due.initial_response) - Date.parse(due.started_at)).toBe(60 * 60 * 1000);

    const online = await runCli(['sla', 'due', '--severity', 'high', '--online', '--json'], nowhere);
    expect(online.exitCode).toBe(exitCodes.connection);
    expect(online.errorJson().error.message).toMatch(/GET http:\/\/127\.0\.0\.1:1\/v1\/sla\/due\?severity=high&at=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{3}Z /);

    const SlaDue = commands['sla:due'];
    expect(SlaDue?.flags?.at?.required).toBe(false);
    expect(SlaDue?.flags?.severity?.required).toBe(true);
    expect(SlaDue?.examples?.[0]).toBe('<%= config.bin %> sla due --severity critical');
  });

  test('the help says it is offline and uses the statutory calendar only', () => {
    const SlaDue = commands['sla:due'];
    expect(SlaDue?.description).toContain('statutory Bulgarian calendar only');
    expect(SlaDue?.description).toContain('add --online to ask GET /v1/sla/due instead');
    expect(SlaDue?.flags?.online?.description).toContain('instead of answering offline');
  });
});
