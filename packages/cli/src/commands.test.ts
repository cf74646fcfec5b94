import { describe, expect, test } from 'vitest';
import { commands, operationCommands, topics } from './commands.js';
import { operations } from '@prolope/contract/operations';
import { operationInterface } from './operation-flags.js';
import type { OperationSpec } from './schema.js';

// Spelled out here rather than imported, so a change to the naming rule shows up as a failure.
const kebab = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();

describe('the commands map', () => {
  // WebSocket operations (events.stream, logs.stream) are streamed by listen and logs tail instead.
  const requests = Object.fromEntries(Object.entries(operations).filter(([, op]) => !op.websocket));

  test('every operation in the table has a command', () => {
    const missing: string[] = [];
    for (const [operationId, op] of Object.entries(requests)) {
      const id = `${kebab(op.resource)}:${kebab(op.action)}`;
      const Cls = commands[id] as { operationId?: string } | undefined;
      if (Cls?.operationId !== operationId) missing.push(`${operationId} → prolope ${id.replace(':', ' ')}`);
    }
    expect(missing).toEqual([]);
    // Topic aliases are oclif aliases on the same class, not extra entries in the map.
    const aliases: string[] = [];
    for (const op of Object.values(requests)) {
      const Cls = commands[`${kebab(op.resource)}:${kebab(op.action)}`];
      for (const alias of op.cli.aliases) {
        const id = `${kebab(alias)}:${kebab(op.action)}`;
        if (!Cls?.aliases?.includes(id)) aliases.push(id);
      }
    }
    expect(aliases).toEqual([]);
    expect(Object.keys(commands).sort()).toEqual(
      [
        ...Object.values(requests).map((op) => `${kebab(op.resource)}:${kebab(op.action)}`),
        'billing:simulate',
        'flows:lint',
        'flows:test',
        'call:test',
        'dev',
        'listen',
        'login',
        'logout',
        'logs:tail',
        'phone',
        'profiles',
        'trigger',
        'version',
      ].sort(),
    );
  });

  test('WebSocket operations get no generated command or topic', () => {
    expect(
      Object.values(operations)
        .filter((op) => op.websocket)
        .map((op) => `${op.resource}.${op.action}`),
    ).toEqual(['events.stream', 'logs.stream']);
    expect(commands['events:stream']).toBeUndefined();
    expect(commands['logs:stream']).toBeUndefined();
    expect(topics.events?.description).not.toContain('stream');
    expect(topics.logs?.description).toBe("The account's API requests and events, live: tail");
  });

  test('ids and topics follow the naming rule', () => {
    expect(commands['api-keys:create']).toBeDefined();
    expect(commands['accounts:me']).toBeDefined();
    expect(topics['api-keys']?.description).toBe('API keys: create, list, retrieve, revoke');
  });

  test('a topic alias names the same commands, and both topics say so', () => {
    const create = commands['sip-trunks:create'];
    expect(create?.aliases).toEqual(['trunks:create']);
    expect(commands['trunks:create']).toBeUndefined();
    for (const action of ['list', 'create', 'retrieve', 'update', 'capacity']) {
      expect(commands[`sip-trunks:${action}`]?.aliases).toEqual([`trunks:${action}`]);
    }
    expect(topics['sip-trunks']?.description).toBe('SIP trunks: capacity, create, list, retrieve, update (also: trunks)');
    expect(topics.trunks?.description).toBe('Same as sip-trunks: capacity, create, list, retrieve, update');
  });

  test('an action alias from the spec (x-cli-action-aliases) names the same command', () => {
    expect(commands['incidents:acknowledge']?.aliases).toEqual(['incidents:ack']);
    expect(commands['incidents:ack']).toBeUndefined();
  });

  test('an operation with an offline implementation takes its path params as optional', () => {
    const capacity = commands['sip-trunks:capacity'];
    expect(capacity?.args?.id?.required).toBe(false);
    expect(capacity?.flags?.lines).toMatchObject({ required: true });
    expect(capacity?.examples).toEqual(['<%= config.bin %> sip-trunks capacity <id> --lines 10', '<%= config.bin %> sip-trunks capacity --lines 10']);
    expect(commands['sip-trunks:retrieve']?.args?.id?.required).toBe(true);
  });

  test('clashing aliases fail when the commands are built', () => {
    const row = (resource: string, aliases: string[]): OperationSpec => ({
      ...(operations['health.retrieve'] as OperationSpec),
      resource,
      cli: { aliases, args: [], shortcuts: [], offline: null },
    });
    expect(() => operationCommands({ 'a.retrieve': row('a', ['b']), 'b.retrieve': row('b', []) })).toThrow(
      'Operations b.retrieve and a.retrieve both map to the command prolope b retrieve',
    );
    expect(() => operationCommands({ 'a.retrieve': { ...row('a', []), cli: { aliases: [], args: [], shortcuts: [], offline: 'nope' } } })).toThrow(
      'names the offline implementation nope',
    );
  });

  test('path params are required args in order; list commands get --all and --max', () => {
    const del = commands['contacts:delete'];
    expect(Object.keys(del?.args ?? {})).toEqual(['id']);
    expect(del?.args?.id?.required).toBe(true);
    const list = commands['contacts:list'];
    expect(Object.keys(list?.flags ?? {})).toEqual(expect.arrayContaining(['limit', 'starting-after', 'all', 'max']));
    expect(list?.flags?.limit).toMatchObject({ type: 'option', min: 1, max: 100 });
  });

  test('body fields become kebab-case flags, nested objects dotted flags, enums options', () => {
    const flags = commands['accounts:create']?.flags ?? {};
    expect(flags['legal-entity.type']).toMatchObject({ type: 'option', options: ['company', 'sole_trader', 'individual'] });
    expect(flags['signatory.confirms-age-18-or-over']).toMatchObject({ type: 'boolean', allowNo: true });
    expect(flags.metadata).toMatchObject({ type: 'option', multiple: true });
    expect(flags.data).toMatchObject({ char: 'd', multiple: true });
    expect(flags['idempotency-key']).toBeDefined();
    expect(commands['api-keys:create']?.flags?.scopes).toMatchObject({ multiple: true, delimiter: ',' });
  });
});

describe('operations that do not exist yet', () => {
  const future: Record<string, OperationSpec> = {
    'phoneNumbers.search': {
      resource: 'phoneNumbers',
      action: 'search',
      method: 'post',
      path: '/v1/accounts/{account_id}/phone-numbers/{region}/search',
      summary: 'Search numbers',
      description: '',
      auth: true,
      scopes: ['numbers:read'],
      pathParams: ['account_id', 'region'],
      query: [{ name: 'dry_run', required: true, description: 'Only count.', schema: { type: 'boolean' } }],
      idempotent: false,
      body: {
        required: true,
        schema: {
          type: 'object',
          required: ['capabilities', 'json'],
          properties: {
            capabilities: { type: 'array', items: { type: 'string', enum: ['voice', 'sms'] } },
            json: { type: 'string' },
            area_codes: { type: 'array', items: { type: 'integer' } },
            max_monthly_price: { type: 'number' },
            must_be_true: { type: 'boolean', const: true },
            routing: { type: 'object', properties: { sip: { type: 'object', properties: { uri: { type: 'string' } } } } },
            rules: { type: 'array', items: { type: 'object', properties: { x: { type: 'string' } } } },
          },
        },
      },
      paginated: false,
    },
  };

  test('get commands from the table alone', () => {
    const generated = operationCommands(future);
    const Cls = generated['phone-numbers:search'] as { operationId?: string; args?: object; flags?: Record<string, unknown> };
    expect(Cls.operationId).toBe('phoneNumbers.search');
    expect(Object.keys(Cls.args ?? {})).toEqual(['account_id', 'region']);
    expect(Object.keys(Cls.flags ?? {})).toEqual([
      'dry-run',
      'capabilities',
      'body.json',
      'area-codes',
      'max-monthly-price',
      'must-be-true',
      'routing.sip.uri',
      'data',
      'wide',
    ]);
    expect(Cls.flags?.['dry-run']).toMatchObject({ type: 'boolean', required: true });
    expect(Cls.flags?.['must-be-true']).toMatchObject({ allowNo: false });
    const cli = operationInterface(future['phoneNumbers.search'] as OperationSpec);
    expect(cli.dataOnly).toEqual(['rules']);
    expect(cli.examples[0]).toBe("<%= config.bin %> phone-numbers search <account_id> <region> --dry-run --capabilities voice --body.json '<json>'");
  });
});
