import { describe, expect, it } from 'vitest';
import { fieldRequested, formatField, pickField } from './field.js';

describe('--field', () => {
  it.each([
    [['accounts', 'create', '--field', 'initial_api_key.secret'], 'initial_api_key.secret'],
    [['accounts', 'create', '--field=id'], 'id'],
    [['accounts', 'me'], undefined],
    // After `--` it is an argument, not the flag.
    [['contacts', 'create', '--', '--field', 'x'], undefined],
    [['contacts', 'list', '--field'], undefined],
  ])('reads %j as %j', (argv, expected) => {
    expect(fieldRequested(argv)).toBe(expected);
  });

  const result = { id: 'acct_1', name: null, initial_api_key: { secret: 'pk_live_x' }, data: [{ id: 'key_1' }, { id: 'key_2' }], n: 0, ok: false };
  it.each([
    ['id', { found: true, value: 'acct_1' }],
    ['initial_api_key.secret', { found: true, value: 'pk_live_x' }],
    ['data.1.id', { found: true, value: 'key_2' }],
    ['name', { found: true, value: null }],
    ['n', { found: true, value: 0 }],
    ['ok', { found: true, value: false }],
    ['nope', { found: false }],
    ['initial_api_key.secret.more', { found: false }],
    ['data.2.id', { found: false }],
    ['toString', { found: false }],
    ['__proto__', { found: false }],
  ])('picks %s', (path, expected) => {
    expect(pickField(result, path)).toEqual(expected);
  });

  it.each([
    ['pk_live_x', 'pk_live_x'],
    [42, '42'],
    [false, 'false'],
    [null, 'null'],
    [{ a: 1 }, '{\n  "a": 1\n}'],
    [['a'], '[\n  "a"\n]'],
  ])('prints %j as %j', (value, text) => {
    expect(formatField(value)).toBe(text);
  });
});
