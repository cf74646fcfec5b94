import { describe, expect, it } from 'vitest';
import { dataDeletionDate, exportDeadline, isDataRetained, noticePeriodEnd, retentionDay, type TerminationGround, terminationPenalty } from './termination.js';

describe('noticePeriodEnd: one month, clamped to the month end', () => {
  it.each([
    ['2026-01-15', '2026-02-15'],
    ['2026-01-31', '2026-02-28'],
    ['2028-01-31', '2028-02-29'],
    ['2026-12-10', '2027-01-10'],
  ])('notice on %s runs to %s', (notice, end) => {
    expect(noticePeriodEnd(notice)).toBe(end);
  });
});

describe('terminationPenalty: one month fee for leaving without notice or for breach', () => {
  const fee = 4990;
  it.each<[string, TerminationGround, string, number]>([
    ['customer with a full month of notice', { kind: 'customer_notice', noticeGivenOn: '2026-01-15' }, '2026-02-15', 0],
    ['customer with more than a month', { kind: 'customer_notice', noticeGivenOn: '2026-01-15' }, '2026-03-01', 0],
    ['customer one day short', { kind: 'customer_notice', noticeGivenOn: '2026-01-15' }, '2026-02-14', fee],
    ['customer without notice', { kind: 'customer_notice', noticeGivenOn: null }, '2026-01-15', fee],
    ['Prolope with notice', { kind: 'prolope_notice' }, '2026-02-15', 0],
    ['Prolope for breach', { kind: 'breach' }, '2026-01-15', fee],
    ['Prolope for non-payment (day 31)', { kind: 'non_payment' }, '2026-01-15', fee],
    ['mutual agreement', { kind: 'mutual' }, '2026-01-15', 0],
    ['end of term', { kind: 'expiry' }, '2026-01-15', 0],
    ['insolvency', { kind: 'insolvency' }, '2026-01-15', 0],
    ['seizure of equipment', { kind: 'seizure' }, '2026-01-15', 0],
  ])('%s: %i', (_name, ground, terminatesOn, expected) => {
    expect(terminationPenalty(ground, terminatesOn, fee)).toBe(expected);
  });
});

describe('data retention after termination', () => {
  it.each([
    ['2027-04-10', '2027-05-10', '2027-05-11'],
    ['2026-01-31', '2026-03-02', '2026-03-03'],
    ['2028-02-01', '2028-03-02', '2028-03-03'],
  ])('terminated %s: export until %s, deleted %s', (terminatedOn, deadline, deletion) => {
    expect(exportDeadline(terminatedOn)).toBe(deadline);
    expect(dataDeletionDate(terminatedOn)).toBe(deletion);
  });

  it.each([
    ['2027-04-10', 0, true, 'the termination date: access stops, data kept'],
    ['2027-04-11', 1, true, 'day 1'],
    ['2027-05-09', 29, true, 'day 29: export still possible'],
    ['2027-05-10', 30, true, 'day 30: the last day'],
    ['2027-05-11', 31, false, 'after day 30: gone'],
  ])('%s is retention day %i, retained %s (%s)', (date, n, retained) => {
    expect(retentionDay('2027-04-10', date)).toBe(n);
    expect(isDataRetained('2027-04-10', date)).toBe(retained);
  });
});
