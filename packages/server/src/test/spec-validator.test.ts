import { describe, expect, it } from 'vitest';
import { validateResponse } from './spec-validator.js';

// The suite trusts this checker to reject responses that break the contract, so check that it does.
describe('spec response validator', () => {
  const account = {
    id: 'acct_01ABC',
    object: 'account',
    name: 'A',
    legal_entity: { type: 'company', legal_name: 'A', country: 'BG' },
    signatory: { name: 'S', email: 's@example.com', confirmed_age_18_or_over: true, confirmed_authority: true, confirmed_at: '2026-11-26T00:00:00.000Z' },
    parent_account_id: null,
    status: 'active',
    test_clock: null,
    holds: { suspension: false, termination: false },
    terminated_on: null,
    metadata: {},
    created_at: '2026-11-26T00:00:00.000Z',
    updated_at: '2026-11-26T00:00:00.000Z',
  };

  it('accepts a body that matches', () => {
    expect(validateResponse('GET', '/v1/accounts/me', 200, 'application/json', account)).toEqual([]);
    expect(validateResponse('GET', '/v1/accounts/acct_1', 200, 'application/json', account)).toEqual([]);
  });

  it('rejects a missing field, a wrong type and a bad format', () => {
    const { name: _n, ...noName } = account;
    expect(validateResponse('GET', '/v1/accounts/me', 200, 'application/json', noName).join()).toMatch(/name/);
    expect(validateResponse('GET', '/v1/accounts/me', 200, 'application/json', { ...account, status: 'gone' }).length).toBeGreaterThan(0);
    expect(validateResponse('GET', '/v1/accounts/me', 200, 'application/json', { ...account, created_at: 'yesterday' }).length).toBeGreaterThan(0);
  });

  it('rejects an undocumented status or media type', () => {
    expect(validateResponse('GET', '/v1/accounts/me', 418, 'application/json', {})[0]).toMatch(/does not document/);
    expect(validateResponse('GET', '/v1/accounts/me', 200, 'text/plain', 'hi')[0]).toMatch(/spec says/);
  });

  it('requires problem+json shape for errors', () => {
    expect(validateResponse('GET', '/v1/accounts/me', 401, 'application/problem+json', { message: 'no' }).length).toBeGreaterThan(0);
    expect(
      validateResponse('GET', '/nowhere', 404, 'application/problem+json', { type: 't', title: 't', status: 404, code: 'route_not_found', detail: 'd' }),
    ).toEqual([]);
  });
});
