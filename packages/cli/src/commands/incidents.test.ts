import { manualClock } from '@prolope/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.js';
import { accountFlags, startTestServer, type TestServer } from '../testing/test-server.js';

/**
 * The incident commands as an ops team scripts them, against a real server on a manual clock: a
 * customer's authorized contact opens an incident with a personal key, the operator acknowledges (`incidents ack`) and resolves it, and
 * `--breached` / `--no-breached` split the list once a target is missed.
 */
describe('prolope incidents', () => {
  // Tuesday 12 January 2027, 10:00 in Sofia: a working day, in support hours.
  const clock = manualClock('2027-01-12T10:00:00+02:00');
  let t: TestServer;
  let operator: Record<string, string>;
  let customer: Record<string, string>;
  /** The authorized contact's personal key: the person opening incidents. */
  let ana: Record<string, string>;

  beforeAll(async () => {
    t = await startTestServer({ clock });
    operator = { PROLOPE_API_KEY: t.operatorKey, PROLOPE_BASE_URL: t.url };
    const created = await runCli(['accounts', 'create', ...accountFlags('Incident Customer'), '--json'], operator);
    expect(created.exitCode, created.stderr).toBe(0);
    customer = { PROLOPE_API_KEY: created.json<{ initial_api_key: { secret: string } }>().initial_api_key.secret, PROLOPE_BASE_URL: t.url };
    const ctc = await runCli(['contacts', 'create', '--name', 'Ana Petrova', '--email', 'ana@example.com', '--can-open-incidents', '--json'], customer);
    expect(ctc.exitCode, ctc.stderr).toBe(0);
    const key = await runCli(
      ['api-keys', 'create', '--name', 'Ana', '--scopes', 'incidents:write,incidents:read', '--contact-id', ctc.json<{ id: string }>().id, '--json'],
      customer,
    );
    expect(key.exitCode, key.stderr).toBe(0);
    ana = { PROLOPE_API_KEY: key.json<{ secret: string }>().secret, PROLOPE_BASE_URL: t.url };
  });
  afterAll(() => t?.close());

  const open = async (severity: string, title: string) => {
    const res = await runCli(
      ['incidents', 'create', '--severity', severity, '--service', 'cloud_pbx', '--title', title, '--description', 'Calls drop after 30 s.', '--json'],
      ana,
    );
    expect(res.exitCode, res.stderr).toBe(0);
    return res.json<{ id: string; status: string; sla: Record<string, { due_at: string | null; state: string }> }>();
  };
  const ids = async (args: string[], env = customer) => {
    const res = await runCli(['incidents', 'list', ...args, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    return res.json<{ data: Array<{ id: string }> }>().data.map((i) => i.id);
  };

  it('opens, acknowledges with the ack alias, resolves and filters by breach', async () => {
    // The account's key is nobody: incidents are opened with a person's key (exit code 3, permission).
    const nobody = await runCli(['incidents', 'create', '--severity', 'low', '--service', 'api', '--title', 'x', '--description', 'y', '--json'], customer);
    expect(nobody.exitCode).toBe(3);
    expect(nobody.errorJson().error.api?.code).toBe('contact_not_authorized');
    const high = await open('high', 'Calls drop');
    expect(high.status).toBe('open');
    // 8 support hours from Tuesday 10:00 Sofia: Tuesday 18:00.
    expect(high.sla.initial_response).toMatchObject({ due_at: '2027-01-12T16:00:00.000Z', state: 'pending' });
    const critical = await open('critical', 'Nothing works');
    expect(critical.sla.initial_response?.due_at).toBe('2027-01-12T09:00:00.000Z');

    // An hour and a second later the critical incident's initial response is breached; the high one's is not.
    clock.advance(3_600_000 + 1000);
    expect(await t.server.incidents.tick()).toBe(1);
    expect(await ids(['--breached'])).toEqual([critical.id]);
    expect(await ids(['--no-breached'])).toEqual([high.id]);

    const ack = await runCli(['incidents', 'ack', high.id, '--note', 'Looking into it.', '--json'], operator);
    expect(ack.exitCode, ack.stderr).toBe(0);
    expect(ack.json()).toMatchObject({ id: high.id, status: 'acknowledged', sla: { initial_response: { state: 'met' } } });
    const resolved = await runCli(['incidents', 'resolve', high.id, '--json'], operator);
    expect(resolved.exitCode, resolved.stderr).toBe(0);
    expect(resolved.json()).toMatchObject({ status: 'resolved' });
    expect(await ids(['--status', 'resolved'])).toEqual([high.id]);
    expect(await ids(['--status', 'open'])).toEqual([critical.id]);

    // A customer may not acknowledge: the operator scope is missing (exit code 3, permission).
    const refused = await runCli(['incidents', 'ack', critical.id, '--json'], customer);
    expect(refused.exitCode).toBe(3);
    expect(refused.errorJson().error.api?.status).toBe(403);
  });
});
