import { describe, expect, it } from 'vitest';
import { newRequestId, requestIdGenerator } from './request-id.js';

describe('request ids', () => {
  it('the per-app generator makes ids of the same form, all different, across refills of its pool', () => {
    const next = requestIdGenerator();
    const ids = Array.from({ length: 1_000 }, () => next());
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newRequestId()).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
