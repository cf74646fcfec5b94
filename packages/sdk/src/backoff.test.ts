import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter, retryDelay, shouldRetryResponse } from './backoff.js';

describe('backoff', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3);
    expect(parseRetryAfter(' 0.5 ', now)).toBe(0.5);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('doubles from 0.5 s with equal jitter, capped at 8 s', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0)).toBe(250);
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 1)).toBe(500);
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0)).toBe(1000);
    expect(backoffDelay(10, DEFAULT_BACKOFF, () => 1)).toBe(8000);
    expect(backoffDelay(10, DEFAULT_BACKOFF, () => 0)).toBe(4000);
  });

  it('waits at least Retry-After, and not at all past the cap', () => {
    const h = (v: string) => new Headers({ 'retry-after': v });
    expect(retryDelay(0, h('2'), DEFAULT_BACKOFF)).toBe(2000);
    expect(retryDelay(0, h('61'), DEFAULT_BACKOFF)).toBeUndefined();
    const plain = retryDelay(1, undefined, DEFAULT_BACKOFF) ?? -1;
    expect(plain).toBeGreaterThanOrEqual(500);
    expect(plain).toBeLessThanOrEqual(1000);
  });

  it('lets Prolope-Should-Retry override the status', () => {
    const h = (v?: string) => new Headers(v ? { 'prolope-should-retry': v } : {});
    expect(shouldRetryResponse(503, h())).toBe(true);
    expect(shouldRetryResponse(429, h())).toBe(true);
    expect(shouldRetryResponse(409, h())).toBe(true);
    expect(shouldRetryResponse(400, h())).toBe(false);
    expect(shouldRetryResponse(404, h())).toBe(false);
    expect(shouldRetryResponse(503, h('false'))).toBe(false);
    expect(shouldRetryResponse(400, h('true'))).toBe(true);
    expect(shouldRetryResponse(200, h('true'))).toBe(false);
  });
});
