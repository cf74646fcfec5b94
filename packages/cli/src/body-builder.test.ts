import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildBody, coerce, parseDataArg } from './body-builder.js';
import { CliError } from './errors.js';
import { operationInterface } from './operation-flags.js';
import { missingRequired } from './required-fields.js';
import { operationTable } from './schema.js';

const create = operationTable['accounts.create'];
if (!create?.body) throw new Error('accounts.create has a body');
const schema = create.body.schema;

describe('--data', () => {
  test('key paths take API or kebab names and read values as the schema says', () => {
    expect(parseDataArg('legal-entity.vat-number=BG123456789', schema)).toEqual({ legal_entity: { vat_number: 'BG123456789' } });
    expect(parseDataArg('signatory.confirms_authority=true', schema)).toEqual({ signatory: { confirms_authority: true } });
    expect(parseDataArg('name=123', schema)).toEqual({ name: '123' });
    expect(parseDataArg('metadata={"a":"b"}', schema)).toEqual({ metadata: { a: 'b' } });
    expect(() => parseDataArg('signatory.confirms_authority=yes', schema)).toThrow(CliError);
  });

  test('JSON objects and @files merge in order, named flags win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prolope-data-'));
    const file = join(dir, 'body.json');
    writeFileSync(file, JSON.stringify({ name: 'File', legal_entity: { type: 'company', country: 'BG' } }));
    const name = operationInterface(create).bindings.find((b) => b.flag === 'name');
    if (!name) throw new Error('--name exists');
    const body = buildBody([`@${file}`, '{"legal_entity":{"legal_name":"Acme"}}'], [[name, 'Flag']], schema);
    expect(body).toEqual({ name: 'Flag', legal_entity: { type: 'company', country: 'BG', legal_name: 'Acme' } });
  });

  test('coerce keeps strings, parses numbers and nulls where allowed', () => {
    expect(coerce('0888', { type: 'string' }, 'x')).toBe('0888');
    expect(coerce('7', { type: 'integer' }, 'x')).toBe(7);
    expect(() => coerce('7.5', { type: 'integer' }, 'x')).toThrow('x must be a whole number, got "7.5"');
    expect(coerce('null', { type: ['string', 'null'] }, 'x')).toBeNull();
    expect(coerce('null', { type: 'string' }, 'x')).toBe('null');
    expect(coerce('a,b', { type: 'array', items: { type: 'string' } }, 'x')).toEqual(['a', 'b']);
  });
});

test('missing required fields are named down to the nested field', () => {
  expect(missingRequired({ name: 'A', legal_entity: { type: 'company' } }, schema)).toEqual([
    ['legal_entity', 'legal_name'],
    ['legal_entity', 'country'],
    ['signatory', 'name'],
    ['signatory', 'email'],
    ['signatory', 'confirms_age_18_or_over'],
    ['signatory', 'confirms_authority'],
  ]);
});
