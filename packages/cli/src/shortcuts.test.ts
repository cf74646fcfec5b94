import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './schema.js';
import { applyShortcuts, shortcutBindings } from './shortcuts.js';

const body: JsonSchema = {
  type: 'object',
  properties: { instructions: { type: 'array', items: { type: 'object', properties: { verb: { type: 'string' }, text: { type: 'string' } } } } },
};

describe('append shortcuts', () => {
  const say = { flag: 'say', description: 'Text to speak.', append: 'instructions', item: { verb: 'say' }, field: 'text' };

  it('wraps the value into one element with the fixed fields, keeping commas', () => {
    const bindings = shortcutBindings([say], body);
    expect(bindings[0]).toMatchObject({ action: 'append', path: ['instructions'], field: 'text', valueSchema: { type: 'string' } });
    expect(applyShortcuts({}, bindings, { say: 'Hello, world' })).toEqual({ instructions: [{ verb: 'say', text: 'Hello, world' }] });
  });

  it('appends after elements given with --data, and leaves the body alone without the flag', () => {
    const bindings = shortcutBindings([say], body);
    expect(applyShortcuts({ instructions: [{ verb: 'pause' }] }, bindings, { say: 'Hi' })).toEqual({
      instructions: [{ verb: 'pause' }, { verb: 'say', text: 'Hi' }],
    });
    expect(applyShortcuts({ from: '+35929000001' }, bindings, {})).toEqual({ from: '+35929000001' });
  });

  it('refuses an append without a field, a spec mistake', () => {
    expect(() => shortcutBindings([{ flag: 'say', description: 'x', append: 'instructions' }], body)).toThrow(/append without a field/);
  });
});
