import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AuthenticationError, NotFoundError, Prolope } from '@prolope/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exitCodes } from './errors.js';
import { runCli } from './testing/run-cli.js';
import { accountFlags, startTestServer, type TestServer } from './testing/test-server.js';

interface Account {
  id: string;
  name: string;
  legal_entity: { type: string; legal_name: string; country: string; vat_number?: string };
  signatory: { name: string; email: string; confirmed_age_18_or_over: boolean; confirmed_authority: boolean };
  initial_api_key: { id: string; secret: string; scopes: string[] };
}
interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  secret?: string;
  revoked_at?: string | null;
  status?: string;
}
interface Contact {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  role: string;
  can_open_incidents: boolean;
  receives_notices: boolean;
}
interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

let t: TestServer;
let operator: Record<string, string>;

beforeAll(async () => {
  t = await startTestServer();
  operator = { PROLOPE_API_KEY: t.operatorKey, PROLOPE_BASE_URL: t.url };
});
afterAll(() => t.close());

async function createAccount(name: string): Promise<{ account: Account; env: Record<string, string> }> {
  const result = await runCli(['accounts', 'create', ...accountFlags(name), '--json'], operator);
  expect(result.exitCode, result.stderr).toBe(0);
  const account = result.json<Account>();
  return { account, env: { PROLOPE_API_KEY: account.initial_api_key.secret, PROLOPE_BASE_URL: t.url } };
}

describe('login, profiles, logout', () => {
  test('login rejects a bad key without saving anything', async () => {
    const result = await runCli(['login', '--api-key', `pk_live_${'x'.repeat(24)}`, '--base-url', t.url, '--profile', 'ops']);
    expect(result.exitCode).toBe(exitCodes.auth);
    expect(result.stderr).toMatch(/^Error: .*401 invalid_api_key.*Nothing was saved\./s);
    expect(existsSync(join(t.configDir, 'config.json'))).toBe(false);
  });

  test('login checks the key, saves a 0600 profile that later commands use, logout forgets it', async () => {
    const login = await runCli(['login', '--api-key', t.operatorKey, '--base-url', t.url, '--profile', 'ops']);
    expect(login.exitCode, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Logged in to ${t.url} as Prolope platform operator`);

    const file = join(t.configDir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.default_profile).toBe('ops');
    expect(saved.profiles.ops).toMatchObject({ api_key: t.operatorKey, base_url: t.url, account_name: 'Prolope platform operator' });

    // No flag, no env: the default profile answers.
    const me = await runCli(['accounts', 'me', '--json']);
    expect(me.exitCode, me.stderr).toBe(0);
    expect(me.json<Account>().id).toBe(saved.profiles.ops.account_id);

    const profiles = await runCli(['profiles', '--json']);
    const listed = profiles.json<{ profiles: { name: string; default: boolean; api_key: string }[] }>().profiles;
    expect(listed).toEqual([expect.objectContaining({ name: 'ops', default: true, api_key: `pk_live_…${t.operatorKey.slice(-4)}` })]);
    expect(profiles.stdout).not.toContain(t.operatorKey);
    const table = await runCli(['profiles']);
    expect(table.stdout).toMatch(/^NAME\s+BASE URL\s+API KEY/);
    expect(table.stdout).toContain('ops (default)');

    const logout = await runCli(['logout', '--profile', 'ops']);
    expect(logout.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ profiles: {} });
    const after = await runCli(['accounts', 'me', '--json']);
    expect(after.exitCode).toBe(exitCodes.auth);
    expect(after.errorJson().error.code).toBe('no_api_key');
  });

  test('PROLOPE_API_KEY overrides the profile, and --api-key overrides the environment', async () => {
    const { account, env } = await createAccount('Precedence');
    expect((await runCli(['login', '--api-key', t.operatorKey, '--base-url', t.url, '--profile', 'p'])).exitCode).toBe(0);
    const fromEnv = await runCli(['accounts', 'me', '--json'], { PROLOPE_API_KEY: env.PROLOPE_API_KEY });
    expect(fromEnv.json<Account>().id).toBe(account.id);
    const fromFlag = await runCli(['accounts', 'me', '--json', '--api-key', t.operatorKey], { PROLOPE_API_KEY: env.PROLOPE_API_KEY });
    expect(fromFlag.json<Account>().name).toBe('Prolope platform operator');
    const unknown = await runCli(['accounts', 'me', '--profile', 'nope']);
    expect(unknown.exitCode).toBe(exitCodes.usage);
    expect(unknown.stderr).toContain('No profile named "nope" (saved: p)');
    expect((await runCli(['logout', '--profile', 'p'])).exitCode).toBe(0);
  });
});

describe('accounts', () => {
  test('create takes nested legal entity and signatory flags; the new key sees its account', async () => {
    const { account, env } = await createAccount('Acme');
    expect(account).toMatchObject({
      name: 'Acme',
      legal_entity: { type: 'company', legal_name: 'Acme Ltd', country: 'BG', vat_number: 'BG123456789' },
      signatory: { name: 'Ana Petrova', email: 'ana@example.com', confirmed_age_18_or_over: true, confirmed_authority: true },
    });
    expect(account.initial_api_key.secret).toMatch(/^pk_live_/);

    // The server really stored it.
    const stored = await new Prolope({ apiKey: t.operatorKey, baseUrl: t.url }).accounts.retrieve(account.id);
    expect(stored.legal_entity.vat_number).toBe('BG123456789');

    const me = await runCli(['accounts', 'me', '--json'], env);
    expect(me.exitCode, me.stderr).toBe(0);
    expect(me.json<Account>()).toMatchObject({ id: account.id, name: 'Acme' });

    const human = await runCli(['accounts', 'me'], env);
    expect(human.stdout).toMatch(new RegExp(`^id\\s+${account.id}$`, 'm'));
    expect(human.stdout).toMatch(/^legal_entity\.legal_name\s+Acme Ltd$/m);
  });

  test('update merges --data and flags; metadata comes from key=value pairs', async () => {
    const { account, env } = await createAccount('Beta');
    const result = await runCli(
      ['accounts', 'update', account.id, '-d', '{"metadata":{"tier":"gold"}}', '--metadata', 'team=ops', '--name', 'Beta Two', '--json'],
      operator,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.json<Account & { metadata: Record<string, string> }>()).toMatchObject({ name: 'Beta Two', metadata: { team: 'ops' } });
    const viaData = await runCli(
      [
        'accounts',
        'update',
        account.id,
        '-d',
        'legal_entity.type=sole_trader',
        '-d',
        'legal-entity.legal-name=Beta ET',
        '-d',
        'legal_entity.country=BG',
        '--json',
      ],
      env,
    );
    expect(viaData.exitCode, viaData.stderr).toBe(0);
    expect(viaData.json<Account>().legal_entity).toMatchObject({ type: 'sole_trader', legal_name: 'Beta ET' });
  });
});

describe('api-keys', () => {
  test('create, list and revoke with --json', async () => {
    const { env } = await createAccount('Keys Ltd');
    const created = await runCli(
      ['api-keys', 'create', '--name', 'ci', '--scopes', 'contacts:read,contacts:write', '--scopes', 'api_keys:read', '--json'],
      env,
    );
    expect(created.exitCode, created.stderr).toBe(0);
    const key = created.json<ApiKey>();
    expect(key).toMatchObject({ name: 'ci', scopes: ['contacts:read', 'contacts:write', 'api_keys:read'] });
    expect(key.secret).toMatch(/^pk_live_/);

    const list = await runCli(['api-keys', 'list', '--json'], env);
    expect(list.exitCode, list.stderr).toBe(0);
    const page = list.json<Page<ApiKey>>();
    expect(page.object).toBe('list');
    expect(page.data.map((k) => k.id)).toContain(key.id);
    expect(JSON.stringify(page)).not.toContain(key.secret);

    // The new key works until revoked.
    const client = new Prolope({ apiKey: key.secret, baseUrl: t.url, maxRetries: 0 });
    await expect(client.contacts.list()).resolves.toMatchObject({ object: 'list' });

    const revoked = await runCli(['api-keys', 'revoke', key.id, '--json'], env);
    expect(revoked.exitCode, revoked.stderr).toBe(0);
    expect(revoked.json<ApiKey>().id).toBe(key.id);
    await expect(client.contacts.list()).rejects.toBeInstanceOf(AuthenticationError);

    const withRevoked = await runCli(['contacts', 'list', '--json'], { PROLOPE_API_KEY: key.secret, PROLOPE_BASE_URL: t.url });
    expect(withRevoked.exitCode).toBe(exitCodes.auth);
    expect(withRevoked.errorJson().error).toMatchObject({ code: 'authentication_failed', exit_code: 3, api: { status: 401 } });
  });

  test('an enum outside the options is a usage error', async () => {
    const result = await runCli(['api-keys', 'create', '--name', 'x', '--scopes', 'everything', '--base-url', 'http://127.0.0.1:1'], {
      PROLOPE_API_KEY: t.operatorKey,
    });
    expect(result.exitCode).toBe(exitCodes.usage);
    expect(result.stderr).toMatch(/Expected --scopes=everything to be one of/);
  });
});

describe('contacts', () => {
  test('create, list, update and delete', async () => {
    const { env } = await createAccount('Contacts Ltd');
    const created = await runCli(
      [
        'contacts',
        'create',
        '--name',
        'Ana',
        '--email',
        'ana@example.com',
        '--phone',
        '0888 123 456',
        '--role',
        'technical',
        '--no-receives-notices',
        '--can-open-incidents',
        '--json',
      ],
      env,
    );
    expect(created.exitCode, created.stderr).toBe(0);
    const contact = created.json<Contact>();
    expect(contact).toMatchObject({ name: 'Ana', phone: '+359888123456', role: 'technical', receives_notices: false, can_open_incidents: true });

    const list = await runCli(['contacts', 'list'], env);
    expect(list.exitCode).toBe(0);
    const [header, rule, row] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+ACCOUNT_ID\s+NAME\s+EMAIL\s+PHONE\s+ROLE/);
    expect(rule).toMatch(/^-+\s+-+/);
    expect(row).toMatch(new RegExp(`^${contact.id}\\s+acct_\\w+\\s+Ana\\s+ana@example\\.com\\s+\\+359888123456\\s+technical`));

    const updated = await runCli(['contacts', 'update', contact.id, '--role', 'billing', '-d', 'phone=null', '--no-can-open-incidents', '--json'], env);
    expect(updated.exitCode, updated.stderr).toBe(0);
    expect(updated.json<Contact>()).toMatchObject({ id: contact.id, role: 'billing', phone: null, can_open_incidents: false });

    const deleted = await runCli(['contacts', 'delete', contact.id, '--json'], env);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(deleted.json()).toMatchObject({ id: contact.id, deleted: true });
    const client = new Prolope({ apiKey: env.PROLOPE_API_KEY, baseUrl: t.url });
    await expect(client.contacts.retrieve(contact.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('a missing required flag is a usage error before any request', async () => {
    const { env } = await createAccount('Strict Ltd');
    // A request to port 1 would fail with exit code 5; exit code 2 shows nothing was sent.
    const result = await runCli(['contacts', 'create', '--name', 'Ana', '--base-url', 'http://127.0.0.1:1'], env);
    expect(result.exitCode).toBe(exitCodes.usage);
    expect(result.stderr).toBe('Error: Missing required field: --email. Give the flag or set it with --data.\nSee: prolope contacts create --help\n');

    const nested = await runCli(
      ['accounts', 'create', '--name', 'X', '--legal-entity.type', 'company', '--json', '--base-url', 'http://127.0.0.1:1'],
      operator,
    );
    expect(nested.exitCode).toBe(exitCodes.usage);
    const error = nested.errorJson().error;
    expect(error.code).toBe('missing_required_fields');
    expect(error.message).toBe(
      'Missing required fields: --legal-entity.legal-name, --legal-entity.country, --signatory.name, --signatory.email, --signatory.confirms-age-18-or-over, --signatory.confirms-authority. Give the flags or set them with --data.',
    );
    expect(nested.stdout).toBe('');

    const noArg = await runCli(['contacts', 'delete', '--base-url', 'http://127.0.0.1:1'], env);
    expect(noArg.exitCode).toBe(exitCodes.usage);
    expect(noArg.stderr).toMatch(/Missing 1 required arg:\s*\nid/);

    const page = await new Prolope({ apiKey: env.PROLOPE_API_KEY, baseUrl: t.url }).contacts.list();
    expect(page.data).toEqual([]);
  });

  test('a 404 exits with 4 and says what was not found', async () => {
    const { env } = await createAccount('Missing Ltd');
    const human = await runCli(['contacts', 'retrieve', 'ctc_doesnotexist'], env);
    expect(human.exitCode).toBe(exitCodes.notFound);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^Error: 404 not_found: No contact ctc_doesnotexist on this account\..*\[request req_\w+\]\n$/);

    const json = await runCli(['contacts', 'delete', 'ctc_doesnotexist', '--json'], env);
    expect(json.exitCode).toBe(exitCodes.notFound);
    expect(json.errorJson().error).toMatchObject({ code: 'not_found', exit_code: 4, api: { status: 404, code: 'not_found' } });
  });

  test('--all --max follows cursors across pages and stops at max', async () => {
    const { env } = await createAccount('Paging Ltd');
    const client = new Prolope({ apiKey: env.PROLOPE_API_KEY, baseUrl: t.url });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await client.contacts.create({ name: `C${i}`, email: `c${i}@example.com`, can_open_incidents: true, receives_notices: true })).id);
    const newestFirst = [...ids].reverse();

    const some = await runCli(['contacts', 'list', '--all', '--max', '3', '--limit', '2', '--json'], env);
    expect(some.exitCode, some.stderr).toBe(0);
    const page = some.json<Page<Contact>>();
    expect(page.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 3));
    expect(page).toMatchObject({ has_more: true, next_cursor: newestFirst[2] });

    const rest = await runCli(['contacts', 'list', '--all', '--limit', '2', '--starting-after', newestFirst[2] ?? '', '--json'], env);
    expect(rest.json<Page<Contact>>()).toEqual({ object: 'list', data: expect.any(Array), has_more: false, next_cursor: null });
    expect(rest.json<Page<Contact>>().data.map((c) => c.id)).toEqual(newestFirst.slice(3));

    const first = await runCli(['contacts', 'list', '--limit', '2'], env);
    expect(first.stderr).toBe(`More results: add --starting-after ${newestFirst[1]} (or --all).\n`);

    const maxWithoutAll = await runCli(['contacts', 'list', '--max', '3'], env);
    expect(maxWithoutAll.exitCode).toBe(exitCodes.usage);
  });
});

describe('errors', () => {
  test('no server answering exits with 5', async () => {
    const result = await runCli(['health', 'retrieve', '--json', '--base-url', 'http://127.0.0.1:1']);
    expect(result.exitCode).toBe(exitCodes.connection);
    expect(result.errorJson().error.code).toBe('connection_failed');
  });

  test('health needs no key', async () => {
    const result = await runCli(['health', 'retrieve', '--json', '--base-url', t.url]);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({ status: 'ok' });
  });

  test('bad --data is a usage error', async () => {
    const result = await runCli(['contacts', 'create', '-d', 'not json', '--base-url', 'http://127.0.0.1:1'], { PROLOPE_API_KEY: 'pk_live_x' });
    expect(result.exitCode).toBe(exitCodes.usage);
    expect(result.stderr).toContain('--data "not json" is neither a JSON object, @file.json, nor key.path=value');
  });
});
