import { describe, expect, it } from 'vitest';
import { ProblemError } from '../errors.js';
import { normaliseAllowedIps, normaliseCidr } from './allowed-ips.js';

function refusal(input: string): { code: string; param: string | undefined; detail: string } {
  try {
    normaliseCidr(input, '/body/allowed_ips/0');
  } catch (err) {
    if (err instanceof ProblemError) return { code: err.code, param: err.param, detail: err.message };
    throw err;
  }
  throw new Error(`${input} was accepted`);
}

describe('allowed_ips normalisation', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5/32'],
    [' 203.0.113.5 ', '203.0.113.5/32'],
    ['203.0.113.5/32', '203.0.113.5/32'],
    ['203.0.113.7/24', '203.0.113.0/24'],
    ['203.0.113.16/28', '203.0.113.16/28'],
    ['2001:db8::5', '2001:db8::5/128'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0005', '2001:db8::5/128'],
    ['2001:db8:1:2::/64', '2001:db8:1:2::/64'],
    ['2001:db8:1::ff/48', '2001:db8:1::/48'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseCidr(input, '/p')).toBe(expected);
  });

  it.each([
    '',
    'localhost',
    '203.0.113',
    '10.1',
    '167772161',
    '203.0.113.256',
    '203.0.113.5/33',
    '203.0.113.5/',
    '203.0.113.5/24/1',
    '203.0.113.5/-1',
    '2001:db8::/129',
    'fe80::1%eth0',
    '2001:db8::g',
  ])('refuses %j as invalid_cidr', (input) => {
    expect(refusal(input)).toMatchObject({ code: 'invalid_cidr', param: '/body/allowed_ips/0' });
  });

  it.each(['203.0.113.0/23', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/47', '::/0'])('refuses %s as cidr_too_broad, citing terms 5.3', (input) => {
    const r = refusal(input);
    expect(r).toMatchObject({ code: 'cidr_too_broad', param: '/body/allowed_ips/0' });
    expect(r.detail).toContain('5.3');
  });

  it('keeps order, drops repeats, and names the index of the first bad entry', () => {
    expect(normaliseAllowedIps(['203.0.113.5', '198.51.100.0/24', '203.0.113.5/32'], '/body/allowed_ips')).toEqual(['203.0.113.5/32', '198.51.100.0/24']);
    expect(() => normaliseAllowedIps(['203.0.113.5', 'nope'], '/body/allowed_ips')).toThrow(expect.objectContaining({ param: '/body/allowed_ips/1' }));
  });
});
