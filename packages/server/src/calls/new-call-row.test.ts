import { describe, expect, it } from 'vitest';
import { newCallRow } from './new-call-row.js';

const now = new Date('2026-03-02T10:00:00.000Z');
const base = { accountId: 'acct_1', from: '+4930111', to: '+4930222', sipCallId: 'abc@host', sipTrunkId: null, phoneNumberId: 'pn_1' };

describe('newCallRow', () => {
  it('starts an inbound call ringing, with nothing of its end set', () => {
    const row = newCallRow({ ...base, direction: 'inbound', ownerUrl: 'http://10.0.0.1:8080', nodeId: 'a' }, now);
    expect(row).toMatchObject({
      direction: 'inbound',
      status: 'ringing',
      account_id: 'acct_1',
      phone_number_id: 'pn_1',
      created_at: '2026-03-02T10:00:00.000Z',
      updated_at: '2026-03-02T10:00:00.000Z',
      owner_url: 'http://10.0.0.1:8080',
      node_id: 'a',
      parent_call_id: null,
      status_callback_url: null,
      status_callback_events: null,
      answered_at: null,
      ended_at: null,
      hangup_reason_code: null,
    });
    expect(row.id).toMatch(/^call_/);
  });

  it('starts an outbound call queued, keeping its parent and status callback', () => {
    const row = newCallRow(
      { ...base, direction: 'outbound', parentCallId: 'call_parent', statusCallback: { url: 'https://example.com/cb', events: ['answered', 'completed'] } },
      now,
    );
    expect(row).toMatchObject({
      status: 'queued',
      parent_call_id: 'call_parent',
      status_callback_url: 'https://example.com/cb',
      status_callback_events: '["answered","completed"]',
      owner_url: null,
      node_id: null,
    });
  });
});
