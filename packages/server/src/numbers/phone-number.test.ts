import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretBox } from '../secrets/secret-box.js';
import type { PhoneNumberRow } from './phone-number.js';
import { toInventoryNumber, toPhoneNumber } from './phone-number.js';
import { storeVoice } from './stored-voice.js';

const box = secretBox(randomBytes(32));

const now = new Date('2026-03-01T12:00:00.000Z');
const base: PhoneNumberRow = {
  id: 'pn_1',
  number: '+35929876543',
  country: 'BG',
  type: 'local',
  capabilities: '["voice"]',
  monthly_price: '12.50',
  setup_price: '0.00',
  currency: 'EUR',
  status: 'assigned',
  account_id: 'acct_1',
  source: 'purchased',
  quarantined_until: null,
  friendly_name: null,
  voice: '{"url":"https://a","method":"POST","fallback_method":"POST"}',
  sip_trunk_id: null,
  forwarding: null,
  route: null,
  purchased_at: '2026-02-01T00:00:00.000Z',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-02-01T00:00:00.000Z',
};

describe('toPhoneNumber', () => {
  it('parses the JSON columns and keeps money as text', () => {
    expect(toPhoneNumber(base, box)).toMatchObject({
      object: 'phone_number',
      capabilities: ['voice'],
      monthly_price: '12.50',
      voice: { url: 'https://a', method: 'POST', fallback_method: 'POST' },
      forwarding: null,
    });
  });

  it("opens the voice application's sealed signing secret, and only for its own number", () => {
    const voice = storeVoice(box, 'pn_1', { url: 'https://a', method: 'POST', fallback_method: 'POST', signing_secret: 'whsec_c2VjcmV0c2VjcmV0' });
    expect(voice).not.toContain('whsec_c2VjcmV0c2VjcmV0');
    expect(toPhoneNumber({ ...base, voice }, box).voice).toEqual({
      url: 'https://a',
      method: 'POST',
      fallback_method: 'POST',
      signing_secret: 'whsec_c2VjcmV0c2VjcmV0',
    });
    expect(() => toPhoneNumber({ ...base, id: 'pn_2', voice }, box)).toThrow();
  });

  it('refuses a row nobody holds (a bug in the caller, not a customer error)', () => {
    expect(() => toPhoneNumber({ ...base, status: 'available', account_id: null, source: null, purchased_at: null }, box)).toThrow(/not assigned/);
  });
});

describe('toInventoryNumber', () => {
  it.each([
    [{ status: 'assigned' }, 'assigned', null],
    [{ status: 'quarantined', account_id: null, quarantined_until: '2026-03-02T00:00:00.000Z' }, 'quarantined', '2026-03-02T00:00:00.000Z'],
    [{ status: 'quarantined', account_id: null, quarantined_until: '2026-02-02T00:00:00.000Z' }, 'available', null],
  ])('%j -> %s until %s', (patch, status, until) => {
    expect(toInventoryNumber({ ...base, ...patch }, now)).toMatchObject({ object: 'inventory_number', status, quarantined_until: until });
  });
});
