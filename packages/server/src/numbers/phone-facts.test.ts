import type { NumberType as LibType } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../errors.js';
import { apiTypeOf, numberFacts } from './phone-facts.js';

describe('apiTypeOf', () => {
  it.each<[LibType | undefined, string]>([
    ['FIXED_LINE', 'local'],
    ['FIXED_LINE_OR_MOBILE', 'local'],
    ['MOBILE', 'mobile'],
    ['PAGER', 'mobile'],
    ['TOLL_FREE', 'toll_free'],
    ['SHARED_COST', 'national'],
    ['UAN', 'national'],
    ['PERSONAL_NUMBER', 'national'],
    ['VOIP', 'national'],
    ['PREMIUM_RATE', 'national'],
    ['VOICEMAIL', 'local'],
    [undefined, 'local'],
  ])('%s -> %s', (lib, api) => {
    expect(apiTypeOf(lib)).toBe(api);
  });
});

describe('numberFacts', () => {
  it.each([
    ['+35929876543', 'BG', 'local'],
    ['+359888123456', 'BG', 'mobile'],
    ['+35980012345', 'BG', 'toll_free'],
    ['+35970012345', 'BG', 'national'],
    ['+442079460958', 'GB', 'local'],
    ['+18005550100', 'US', 'toll_free'],
  ])('%s is %s %s', (number, country, type) => {
    expect(numberFacts(number)).toEqual({ country, type });
  });

  it.each(['+80012345678', '+3591', 'nonsense'])('refuses %s as invalid_phone_number with the param', (number) => {
    let err: unknown;
    try {
      numberFacts(number, '/body/x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProblemError);
    expect(err).toMatchObject({ code: 'invalid_phone_number', param: '/body/x' });
  });
});
