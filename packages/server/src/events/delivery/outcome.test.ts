import { describe, expect, it } from 'vitest';
import { decideOutcome, type Outcome, type OutcomeInput } from './outcome.js';

const now = new Date('2026-11-26T09:30:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const later = (ms: number) => new Date(now.getTime() + ms);
const S = 1000;
const DAY = 86_400_000;
const healthy = { status: 'enabled', failingSince: null };
const failing = (since: string) => ({ status: 'enabled', failingSince: since });

type Case = [string, Partial<OutcomeInput>, Outcome];

describe('decideOutcome', () => {
  it.each<Case>([
    ['200 on the first try', { responseStatus: 200 }, { attempt: 'succeeded', delivery: 'succeeded', nextAttemptAt: null, endpoint: 'keep' }],
    [
      '204 clears failing_since',
      { responseStatus: 204, endpoint: failing(ago(DAY)) },
      { attempt: 'succeeded', delivery: 'succeeded', nextAttemptAt: null, endpoint: 'clear_failing' },
    ],
    [
      'a success counts even if the endpoint was disabled meanwhile',
      { responseStatus: 200, endpoint: { status: 'disabled', failingSince: null } },
      { attempt: 'succeeded', delivery: 'succeeded', nextAttemptAt: null, endpoint: 'keep' },
    ],
    [
      '500 first: retry in 5 s, failing from now',
      { responseStatus: 500 },
      { attempt: 'failed', delivery: 'pending', nextAttemptAt: later(5 * S), endpoint: 'mark_failing' },
    ],
    [
      'no answer, 2nd try: retry in 5 min',
      { responseStatus: null, tries: 2, endpoint: failing(ago(5 * S)) },
      { attempt: 'failed', delivery: 'pending', nextAttemptAt: later(300 * S), endpoint: 'keep' },
    ],
    ['a 3xx is a failure', { responseStatus: 302 }, { attempt: 'failed', delivery: 'pending', nextAttemptAt: later(5 * S), endpoint: 'mark_failing' }],
    [
      '7th try: the last retry is in 10 h',
      { responseStatus: 500, tries: 7, endpoint: failing(ago(DAY)) },
      { attempt: 'failed', delivery: 'pending', nextAttemptAt: later(36_000 * S), endpoint: 'keep' },
    ],
    [
      '8th try fails: failed for good',
      { responseStatus: 500, tries: 8, endpoint: failing(ago(DAY)) },
      { attempt: 'failed', delivery: 'failed', nextAttemptAt: null, endpoint: 'keep' },
    ],
    [
      '429 with Retry-After: 120',
      { responseStatus: 429, retryAfter: '120' },
      { attempt: 'failed', delivery: 'pending', nextAttemptAt: later(120 * S), endpoint: 'mark_failing' },
    ],
    [
      '503 with an HTTP date',
      { responseStatus: 503, retryAfter: 'Thu, 26 Nov 2026 10:30:00 GMT' },
      { attempt: 'failed', delivery: 'pending', nextAttemptAt: later(3600 * S), endpoint: 'mark_failing' },
    ],
    [
      '429 without Retry-After: the schedule',
      { responseStatus: 429, tries: 2, endpoint: failing(ago(S)) },
      { attempt: 'failed', delivery: 'pending', nextAttemptAt: later(300 * S), endpoint: 'keep' },
    ],
    [
      '500 ignores Retry-After',
      { responseStatus: 500, retryAfter: '120' },
      { attempt: 'failed', delivery: 'pending', nextAttemptAt: later(5 * S), endpoint: 'mark_failing' },
    ],
    [
      '429 on the last try: no more',
      { responseStatus: 429, retryAfter: '120', tries: 8, endpoint: failing(ago(DAY)) },
      { attempt: 'failed', delivery: 'failed', nextAttemptAt: null, endpoint: 'keep' },
    ],
    ['410 disables at once', { responseStatus: 410 }, { attempt: 'failed', delivery: 'failed', nextAttemptAt: null, endpoint: 'disable_gone' }],
    [
      'failing exactly 5 days: not yet',
      { responseStatus: 500, tries: 3, endpoint: failing(ago(5 * DAY)) },
      { attempt: 'failed', delivery: 'pending', nextAttemptAt: later(1800 * S), endpoint: 'keep' },
    ],
    [
      'failing over 5 days: disabled',
      { responseStatus: 500, tries: 3, endpoint: failing(ago(5 * DAY + 1)) },
      { attempt: 'failed', delivery: 'failed', nextAttemptAt: null, endpoint: 'disable_failing' },
    ],
    [
      'a failure after the endpoint was disabled meanwhile: dropped',
      { responseStatus: 500, endpoint: { status: 'disabled', failingSince: null } },
      { attempt: 'failed', delivery: 'dropped', nextAttemptAt: null, endpoint: 'keep' },
    ],
    [
      'endpoint deleted meanwhile: dropped',
      { responseStatus: null, endpoint: { status: 'deleted', failingSince: null } },
      { attempt: 'failed', delivery: 'dropped', nextAttemptAt: null, endpoint: 'keep' },
    ],
  ])('%s', (_name, input, expected) => {
    expect(decideOutcome({ tries: 1, responseStatus: 200, endpoint: healthy, now, random: () => 0.5, ...input })).toEqual(expected);
  });

  it('jitters scheduled retries but not Retry-After', () => {
    const low = () => 0;
    expect(decideOutcome({ tries: 1, responseStatus: 500, endpoint: healthy, now, random: low }).nextAttemptAt).toEqual(later(4.5 * S));
    expect(decideOutcome({ tries: 1, responseStatus: 429, retryAfter: '120', endpoint: healthy, now, random: low }).nextAttemptAt).toEqual(later(120 * S));
  });
});
