import { describe, expect, it } from 'vitest';
import { describeRef, parseNumberRef } from './number-ref.js';

describe('parseNumberRef', () => {
  it.each([
    ['pn_01J0ABC', { id: 'pn_01J0ABC' }],
    ['+35929876543', { number: '+35929876543' }],
    ['35929876543', { number: '+35929876543' }],
    ['029876543', { number: '+35929876543' }],
    ['442079460958', { number: '+442079460958' }],
    ['0888123456', { number: '+359888123456' }],
    [' +359888123456', { number: '+359888123456' }],
    ['123456', null],
    ['+1', null],
  ])('%s -> %j', (raw, ref) => {
    expect(parseNumberRef(raw)).toEqual(ref);
  });
});

describe('describeRef', () => {
  it.each([
    [{ id: 'pn_1' }, 'x', 'pn_1'],
    [{ number: '+35929876543' }, '029876543', '+35929876543'],
    [null, '123456', '123456'],
  ])('%j (%s) -> %s', (ref, raw, text) => {
    expect(describeRef(ref, raw)).toBe(text);
  });
});
