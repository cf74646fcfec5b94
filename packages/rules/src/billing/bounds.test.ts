import { describe, expect, it } from 'vitest';
import { parseCpiIndex } from './cpi.js';
import { formatMoney, money, mulDiv } from './money.js';
import { type Payment, penaltyAccrued } from './penalty.js';
import { feeForDays, prorate } from './proration.js';
import { standingOn } from './standing.js';
import { invoiceTotals, vatTreatment } from './vat.js';

// The edges of the billing rules: the last value each rule still takes, the first it refuses, and why.

describe('parseCpiIndex bounds', () => {
  it.each([
    ['50', 5000],
    ['200', 20_000],
    ['50.00', 5000],
  ])('takes %s (the plausible range is 50-200 inclusive)', (text, hundredths) => {
    expect(parseCpiIndex(text)).toBe(hundredths);
  });

  it.each([['49.99'], ['200.01']])('refuses %s as out of range', (text) => {
    expect(() => parseCpiIndex(text)).toThrow(/out of the plausible range/);
  });

  it.each([['x104.2'], ['CPI 104.2'], ['1104.2']])('refuses %s as not an index (anchored at the start)', (text) => {
    expect(() => parseCpiIndex(text)).toThrow(/not a CPI index/);
  });
});

describe('mulDiv refuses a denominator that is not positive', () => {
  it.each([[0], [-12], [0n], [-1n]])('denominator %s', (denominator) => {
    expect(() => mulDiv(1200, 1, denominator)).toThrow(/denominator must be positive/);
  });
});

describe('formatMoney of zero has no sign', () => {
  it.each([
    ['en' as const, 'EUR 0.00'],
    ['bg' as const, '0,00 €'],
  ])('%s: %s', (locale, text) => {
    expect(formatMoney(money(0, 'EUR'), locale)).toBe(text);
  });
});

describe('penaltyAccrued refuses a payment of nothing', () => {
  it.each<[string, Payment]>([
    ['zero', { receivedOn: '2026-01-12', amount: 0 }],
    ['negative', { receivedOn: '2026-01-12', amount: -1 }],
  ])('%s', (_name, payment) => {
    expect(() => penaltyAccrued({ amount: 10_000, dueDate: '2026-01-10', payments: [payment] }, '2026-01-20')).toThrow(/payment amount must be positive/);
  });
});

describe('prorate refuses what is not a part of a period', () => {
  it.each([
    [1.5, 30],
    [10, 30.5],
    [10, 0],
    [0, -1],
    [-1, 30],
    [31, 30],
  ])('%s of %s days', (used, period) => {
    expect(() => prorate(3000, used, period)).toThrow(/cannot prorate/);
  });

  it.each([
    [0, 30, 0],
    [30, 30, 3000],
    [1, 1, 3000],
  ])('takes the bounds: %s of %s days = %s', (used, period, fee) => {
    expect(prorate(3000, used, period)).toBe(fee);
  });
});

describe('feeForDays refuses a range outside one month', () => {
  it.each([
    ['2026-04-10', '2026-05-02'],
    ['2026-04-10', '2027-04-12'],
    ['2026-04-12', '2026-04-10'],
  ])('%s..%s', (from, to) => {
    expect(() => feeForDays(3000, from, to)).toThrow(/not a range within one month/);
  });
});

describe('standingOn: terminated from the termination date itself', () => {
  it.each([
    ['2026-03-09', 'active'],
    ['2026-03-10', 'terminated'],
    ['2026-03-11', 'terminated'],
  ])('on %s: %s', (date, standing) => {
    expect(standingOn(date, { oldestUnpaidDueDate: null, terminatedOn: '2026-03-10' })).toBe(standing);
  });
});

describe('vat: a missing VAT number is no number', () => {
  it('an EU business without a VAT number pays Bulgarian VAT', () => {
    expect(vatTreatment({ country: 'DE', type: 'company', vatNumberValidated: true }).case).toBe('eu_consumer');
  });

  it.each([[10.5], [Number.NaN], [2 ** 53]])('invoiceTotals refuses the line amount %s', (amount) => {
    const treatment = vatTreatment({ country: 'BG', type: 'company' });
    expect(() => invoiceTotals([{ amount }], treatment, 'EUR')).toThrow(/line amount must be integer minor units/);
  });
});
