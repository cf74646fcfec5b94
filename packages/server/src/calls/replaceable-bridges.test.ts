import { describe, expect, it } from 'vitest';
import { type ReplaceableBridge, ReplaceableBridges, type TakenLeg } from './replaceable-bridges.js';

const dialog = { callId: 'c1@phone', localTag: 'ours', remoteTag: 'theirs' };
const bridge = (accountId: string): ReplaceableBridge => ({ accountId, callerCallId: 'call_1', take: () => ({ to: '203' }) as TakenLeg });

describe('ReplaceableBridges', () => {
  const bridges = new ReplaceableBridges();
  const offered = bridge('acc_1');
  const withdraw = bridges.offer(dialog, offered);

  it.each([
    ['tags as the caller sees them (to-tag ours)', { callId: 'c1@phone', toTag: 'ours', fromTag: 'theirs', earlyOnly: false }, 'acc_1', true],
    ['tags the other way round', { callId: 'c1@phone', toTag: 'theirs', fromTag: 'ours', earlyOnly: false }, 'acc_1', true],
    ['another account, same dialog', { callId: 'c1@phone', toTag: 'ours', fromTag: 'theirs', earlyOnly: false }, 'acc_2', false],
    ['another Call-ID', { callId: 'c2@phone', toTag: 'ours', fromTag: 'theirs', earlyOnly: false }, 'acc_1', false],
    ['one tag wrong', { callId: 'c1@phone', toTag: 'ours', fromTag: 'other', earlyOnly: false }, 'acc_1', false],
    ['early-only (every bridge here is confirmed)', { callId: 'c1@phone', toTag: 'ours', fromTag: 'theirs', earlyOnly: true }, 'acc_1', false],
  ])('%s', (_, replaces, accountId, found) => {
    expect(bridges.find(accountId, replaces)).toBe(found ? offered : undefined);
  });

  it('forgets a withdrawn bridge, and a stale withdraw leaves a newer offer in place', () => {
    const newer = bridge('acc_1');
    const withdrawNewer = bridges.offer(dialog, newer);
    withdraw();
    const replaces = { callId: 'c1@phone', toTag: 'ours', fromTag: 'theirs', earlyOnly: false };
    expect(bridges.find('acc_1', replaces)).toBe(newer);
    withdrawNewer();
    expect(bridges.find('acc_1', replaces)).toBeUndefined();
    expect(bridges.size).toBe(0);
  });
});
