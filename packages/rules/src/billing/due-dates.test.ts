import { describe, expect, it } from 'vitest';
import type { CalendarOverrides } from '../calendar/index.js';
import { type ActivationEvidence, activationDate, type MonthlyDueInput, monthlyFeeDueDate, setupInvoiceDueDate } from './due-dates.js';

describe('setupInvoiceDueDate: 5 Bulgarian working days after the invoice date', () => {
  it.each([
    ['2026-01-05', '2026-01-12', 'Monday: across one weekend'],
    ['2026-01-02', '2026-01-09', 'Friday'],
    ['2026-01-03', '2026-01-09', 'Saturday: Monday is the first day'],
    ['2025-12-29', '2026-01-06', 'over New Year'],
    ['2026-04-08', '2026-04-17', 'over Good Friday to Easter Monday'],
    ['2026-05-22', '2026-06-01', 'over Monday 25 May in lieu of 24 May'],
    ['2026-09-04', '2026-09-14', 'over Monday 7 Sep in lieu of 6 Sep'],
    ['2026-12-21', '2026-12-31', 'over Christmas 2026 and Monday 28 Dec in lieu'],
    ['2027-04-29', '2027-05-12', 'over Easter 2027, 4 May in lieu of 1 May, and 6 May'],
    ['2027-12-22', '2028-01-04', 'over Christmas 2027 (27, 28 Dec in lieu) and Monday 3 Jan 2028 in lieu'],
  ])('invoice of %s is due %s (%s)', (invoiceDate, due) => {
    expect(setupInvoiceDueDate(invoiceDate)).toBe(due);
  });

  it('follows the operator overrides', () => {
    const decree: CalendarOverrides = { daysOff: ['2026-12-31'], workingDays: [] };
    expect(setupInvoiceDueDate('2026-12-21', decree)).toBe('2027-01-04');
  });
});

describe('monthlyFeeDueDate', () => {
  it.each<[string, MonthlyDueInput, string]>([
    ['the 10th of the month', { periodStart: '2026-03-01', invoiceDate: '2026-03-01' }, '2026-03-10'],
    ['the 10th even on a Saturday (terms silent: kept as written)', { periodStart: '2026-01-01', invoiceDate: '2026-01-01' }, '2026-01-10'],
    ['the 10th even on a Sunday', { periodStart: '2027-01-01', invoiceDate: '2027-01-01' }, '2027-01-10'],
    ['invoiced the month before', { periodStart: '2026-05-01', invoiceDate: '2026-04-25' }, '2026-05-10'],
    ['invoiced on the 9th', { periodStart: '2026-03-09', invoiceDate: '2026-03-09' }, '2026-03-10'],
    ['first month activated on the 10th: 5 working days', { periodStart: '2026-03-10', invoiceDate: '2026-03-10' }, '2026-03-17'],
    ['first month activated on 16 April: 5 working days', { periodStart: '2026-04-16', invoiceDate: '2026-04-16' }, '2026-04-23'],
    ['another agreed day', { periodStart: '2026-02-01', invoiceDate: '2026-02-01', dueDay: 15 }, '2026-02-15'],
    ['an agreed 31st in February', { periodStart: '2026-02-01', invoiceDate: '2026-02-01', dueDay: 31 }, '2026-02-28'],
  ])('%s', (_name, input, due) => {
    expect(monthlyFeeDueDate(input)).toBe(due);
  });

  it.each([0, 32, -1, 10.5, Number.NaN])('refuses the impossible due day %s', (dueDay) => {
    expect(() => monthlyFeeDueDate({ periodStart: '2026-02-01', invoiceDate: '2026-01-25', dueDay })).toThrow(/due day must be 1-31/);
  });

  it.each([
    [1, '2026-03-01'],
    [31, '2026-03-31'],
  ])('takes the bounds: due day %i is %s', (dueDay, due) => {
    expect(monthlyFeeDueDate({ periodStart: '2026-03-01', invoiceDate: '2026-02-20', dueDay })).toBe(due);
  });
});

describe('activationDate: the earlier of the signed protocol and the first use', () => {
  it.each<[string, ActivationEvidence, string | null]>([
    ['first use before the protocol', { protocolSignedOn: '2026-03-05', firstUsedOn: '2026-03-02' }, '2026-03-02'],
    ['protocol before first use', { protocolSignedOn: '2026-03-01', firstUsedOn: '2026-03-02' }, '2026-03-01'],
    ['same day', { protocolSignedOn: '2026-03-02', firstUsedOn: '2026-03-02' }, '2026-03-02'],
    ['protocol only', { protocolSignedOn: '2026-03-05', firstUsedOn: null }, '2026-03-05'],
    ['first use only', { firstUsedOn: '2026-03-02' }, '2026-03-02'],
    ['neither yet', {}, null],
  ])('%s', (_name, evidence, expected) => {
    expect(activationDate(evidence)).toBe(expected);
  });
});
