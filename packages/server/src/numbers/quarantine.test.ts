import { describe, expect, it } from 'vitest';
import { effectiveStatus, QUARANTINE_DAYS, quarantineEnd, quarantineOver } from './quarantine.js';

const now = new Date('2026-03-01T12:00:00.000Z');

describe('quarantineEnd', () => {
  it(`is ${QUARANTINE_DAYS} days on`, () => {
    expect(quarantineEnd(now)).toBe('2026-03-31T12:00:00.000Z');
  });
});

describe('effectiveStatus', () => {
  it.each([
    ['available', null, 'available'],
    ['assigned', null, 'assigned'],
    ['porting', null, 'porting'],
    ['quarantined', '2026-03-02T00:00:00.000Z', 'quarantined'],
    ['quarantined', '2026-03-01T12:00:00.001Z', 'quarantined'],
    ['quarantined', '2026-03-01T12:00:00.000Z', 'available'],
    ['quarantined', '2026-02-01T00:00:00.000Z', 'available'],
    // A quarantine with no end recorded is not over: never hand out a number by accident.
    ['quarantined', null, 'quarantined'],
  ])('%s until %s -> %s', (status, until, expected) => {
    expect(effectiveStatus({ status, quarantined_until: until }, now)).toBe(expected);
  });
});

describe('quarantineOver', () => {
  it.each([
    [null, false],
    ['2026-03-01T11:59:59.999Z', true],
    ['2026-03-01T12:00:00.000Z', true],
    ['2026-03-01T12:00:00.001Z', false],
  ])('%s -> %s', (until, over) => {
    expect(quarantineOver(until, now)).toBe(over);
  });
});
