import { describe, expect, it } from 'vitest';
import { awaitingFinal, checkRejectStatus, hangupInbound, type InboundCallState } from './inbound-state.js';

describe('inbound call state', () => {
  it.each<[InboundCallState, string]>([
    ['incoming', 'fail 480'],
    ['early', 'fail 480'],
    ['answering', 'after ACK'],
    ['confirmed', 'bye'],
    ['terminated', ''],
  ])('hangup() in %s: %s', async (state, expected) => {
    const done: string[] = [];
    await hangupInbound(state, {
      fail: (status) => void done.push(`fail ${status}`),
      afterAck: async () => void done.push('after ACK'),
      bye: async () => void done.push('bye'),
    });
    expect(done.join()).toBe(expected);
    expect(awaitingFinal(state)).toBe(expected === 'fail 480');
  });

  it('reject() takes 300 to 699 only', () => {
    for (const ok of [300, 486, 699]) expect(() => checkRejectStatus(ok)).not.toThrow();
    for (const bad of [200, 299, 700, 486.5]) expect(() => checkRejectStatus(bad)).toThrow(RangeError);
  });
});
