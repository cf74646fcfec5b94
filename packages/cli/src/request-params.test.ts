// Request building for the spec's CLI conveniences (positional body args, shortcut flags), checked
// without a server: the numbers endpoints are built elsewhere, and what matters here is what is sent.
import { Parser } from '@oclif/core';
import { describe, expect, test } from 'vitest';
import { CliError } from './errors.js';
import { operationInterface } from './operation-flags.js';
import { requestParams } from './request-params.js';
import { type OperationSpec, operationTable } from './schema.js';
import { applyShortcuts, shortcutBindings } from './shortcuts.js';

function op(id: string): OperationSpec {
  const found = operationTable[id];
  if (!found) throw new Error(`${id} is in the table`);
  return found;
}

/** Parses a command line the way the command does, then builds the request it would send. */
async function build(id: string, argv: string[]) {
  const spec = op(id);
  const cli = operationInterface(spec);
  const { args, flags } = await Parser.parse(argv, { args: cli.args, flags: cli.flags, strict: true });
  return requestParams(spec, cli, args, flags);
}

async function failure(id: string, argv: string[]): Promise<CliError> {
  const error = await build(id, argv).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof CliError)) throw new Error(`expected a CliError, got ${String(error)}`);
  return error;
}

describe('positional body args', () => {
  test('numbers buy takes the number as an arg, or as --number, or from --data', async () => {
    expect(await build('numbers.buy', ['+35929000001'])).toEqual({ body: { number: '+35929000001' } });
    expect(await build('numbers.buy', ['--number', '+35929000001'])).toEqual({ body: { number: '+35929000001' } });
    expect(await build('numbers.buy', ['-d', 'number=+35929000001'])).toEqual({ body: { number: '+35929000001' } });
    expect(await build('numbers.buy', ['+35929000001', '--friendly-name', 'Sofia office'])).toEqual({
      body: { number: '+35929000001', friendly_name: 'Sofia office' },
    });
    // The same value twice is harmless.
    expect(await build('numbers.buy', ['+35929000001', '--number', '+35929000001'])).toEqual({ body: { number: '+35929000001' } });
  });

  test('the arg comes after the path params and is optional for oclif', () => {
    const cli = operationInterface(op('numbers.buy'));
    expect(Object.keys(cli.args)).toEqual(['number']);
    expect(cli.args.number?.required).toBe(false);
    expect(cli.examples[0]).toBe('<%= config.bin %> numbers buy <number>');
  });

  test('one of the arg and the flag is required; two different values are refused', async () => {
    const missing = await failure('numbers.buy', ['--friendly-name', 'x']);
    expect(missing.code).toBe('missing_required_fields');
    expect(missing.message).toBe('Missing required field: <number> (or --number). Give it or set it with --data.');
    const both = await failure('numbers.buy', ['+35929000001', '--number', '+35929000002']);
    expect(both.code).toBe('usage_error');
    expect(both.message).toBe('Give number once: as the argument +35929000001 or as --number +35929000002, not both.');
  });
});

describe('shortcut flags', () => {
  const target = (number: string, ringTimeout?: number) => ({ number, ...(ringTimeout === undefined ? {} : { ring_timeout: ringTimeout }) });
  const cases: { name: string; argv: string[]; body: Record<string, unknown> }[] = [
    {
      name: '--forward-to makes the targets, --ring-timeout sets each one',
      argv: ['--forward-to', '+359888000001,+359888000002', '--ring-timeout', '20'],
      body: { forwarding: { targets: [target('+359888000001', 20), target('+359888000002', 20)] } },
    },
    {
      name: 'repeated --forward-to keeps the order',
      argv: ['--forward-to', '+359888000002', '--forward-to', '+359888000001'],
      body: { forwarding: { targets: [target('+359888000002'), target('+359888000001')] } },
    },
    {
      name: '--forward-mode sets forwarding.mode next to the targets',
      argv: ['--forward-to', '+359888000001', '--forward-mode', 'simultaneous'],
      body: { forwarding: { mode: 'simultaneous', targets: [target('+359888000001')] } },
    },
    {
      name: '--ring-timeout also reaches targets given with --data',
      argv: ['-d', '{"forwarding":{"targets":[{"number":"+359888000003","ring_timeout":60}]}}', '--ring-timeout', '15'],
      body: { forwarding: { targets: [target('+359888000003', 15)] } },
    },
    {
      name: 'shortcuts win over --data and the plain flags, which still merge around them',
      argv: ['-d', 'forwarding.mode=sequential', '--forward-mode', 'simultaneous', '--forward-to', '+359888000001', '--friendly-name', 'Desk'],
      body: { friendly_name: 'Desk', forwarding: { mode: 'simultaneous', targets: [target('+359888000001')] } },
    },
  ];

  test.each(cases)('$name', async ({ argv, body }) => {
    expect(await build('numbers.update', ['+359888123456', ...argv])).toEqual({ path: { number: '+359888123456' }, body });
  });

  test('the required-field check runs after the shortcuts', async () => {
    // forwarding needs targets: --forward-mode alone leaves them out, and the message names the shortcut.
    const error = await failure('numbers.update', ['+359888123456', '--forward-mode', 'sequential']);
    expect(error.code).toBe('missing_required_fields');
    expect(error.message).toBe('Missing required field: --forward-to. Give the flag or set it with --data.');
  });

  test('--ring-timeout without targets is a usage error; its bounds come from the schema', async () => {
    const error = await failure('numbers.update', ['+359888123456', '--ring-timeout', '20']);
    expect(error.code).toBe('usage_error');
    expect(error.message).toContain('--ring-timeout sets ring_timeout on each of forwarding.targets, but there are none: give them with --forward-to');
    const flags = operationInterface(op('numbers.update')).flags;
    expect(flags['ring-timeout']).toMatchObject({ type: 'option', min: 5, max: 120 });
    expect(flags['forward-mode']).toMatchObject({ options: ['sequential', 'simultaneous'] });
    expect(flags['forward-to']).toMatchObject({ multiple: true, delimiter: ',' });
  });

  test('work from the shortcut table alone', () => {
    const schema = {
      type: 'object',
      properties: { route: { type: 'object', properties: { hops: { type: 'array', items: { type: 'integer' } }, weight: { type: 'number' } } } },
    };
    const bindings = shortcutBindings(
      [
        { flag: 'hops', description: 'Hops.', list: 'route.hops' },
        { flag: 'weight', description: 'Weight.', set: 'route.weight' },
      ],
      schema,
    );
    expect(applyShortcuts({}, bindings, { hops: ['1', '2'], weight: 0.5 })).toEqual({ route: { hops: [1, 2], weight: 0.5 } });
    expect(() => shortcutBindings([{ flag: 'x', description: '', list: 'a', set: 'b' }], schema)).toThrow('exactly one of list, each, set');
  });
});

test('a field alias from the spec is a second name for the flag', async () => {
  const argv = ['--name', 'PBX', '--ip', '203.0.113.5/32', '--caller-id', '+35929000001'];
  expect(await build('sipTrunks.create', argv)).toEqual({
    body: { name: 'PBX', allowed_ips: ['203.0.113.5/32'], allowed_caller_ids: ['+35929000001'] },
  });
});
