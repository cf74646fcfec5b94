import { describe, expect, it } from 'vitest';
import { isSeverity, SEVERITY_RULES, type Severity } from './severity.js';

describe('the targets table of terms 6.1', () => {
  it.each<[Severity, string, string, string]>([
    ['critical', '1 hours', '8 hours', '7 days'],
    ['high', '8 hours', '3 days', '14 days'],
    ['medium', '3 days', '7 days', '21 days'],
    ['low', '5 days', '16 days', '40 days'],
  ])('%s: %s / %s / %s', (severity, initial, temporary, final) => {
    const t = SEVERITY_RULES[severity].targets;
    const text = (d: { amount: number; unit: string }) => `${d.amount} ${d.unit}`;
    expect([text(t.initial_response), text(t.temporary_solution), text(t.final_resolution)]).toEqual([initial, temporary, final]);
  });

  it.each([
    ['critical', true],
    ['low', true],
    ['Critical', false],
    ['urgent', false],
    [3, false],
    [null, false],
  ])('isSeverity(%j) is %s', (value, expected) => {
    expect(isSeverity(value)).toBe(expected);
  });
});
