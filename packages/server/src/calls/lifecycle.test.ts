import { describe, expect, it } from 'vitest';
import { durationSeconds } from './call.js';
import { finalStatus } from './lifecycle.js';

describe('finalStatus', () => {
  it.each([
    [{ answered_at: '2026-11-26T10:00:00.000Z' }, { by: 'caller', cause: 'normal' }, 'completed'],
    [{ answered_at: null }, { by: 'caller', cause: 'canceled', sipCode: 487 }, 'canceled'],
    [{ answered_at: null }, { by: 'callee', cause: 'rejected', sipCode: 486 }, 'busy'],
    [{ answered_at: null }, { by: 'callee', cause: 'rejected', sipCode: 480 }, 'no_answer'],
    [{ answered_at: null }, { by: 'system', cause: 'rejected', sipCode: 488 }, 'failed'],
    [{ answered_at: null }, { by: 'system', cause: 'canceled', sipCode: 408 }, 'no_answer'],
    [{ answered_at: '2026-11-26T10:00:00.000Z' }, { by: 'system', cause: 'rtp_timeout' }, 'completed'],
  ] as const)('%o ended %o is %s', (row, end, status) => {
    expect(finalStatus(row, end)).toBe(status);
  });
});

describe('durationSeconds', () => {
  it.each([
    [null, '2026-11-26T10:00:05.000Z', 0],
    ['2026-11-26T10:00:00.000Z', '2026-11-26T10:00:00.000Z', 0],
    ['2026-11-26T10:00:00.000Z', '2026-11-26T10:00:00.001Z', 1],
    ['2026-11-26T10:00:00.000Z', '2026-11-26T10:01:00.000Z', 60],
    ['2026-11-26T10:00:00.000Z', '2026-11-26T10:01:00.400Z', 61],
  ])('answered %s, ended %s: %i s', (answered, ended, seconds) => {
    expect(durationSeconds(answered, new Date(ended))).toBe(seconds);
  });
});
