import { describe, expect, it } from 'vitest';
import { parseReplaces, replacesInHeaders } from './replaces.js';

describe('parseReplaces (RFC 3891 §6.1)', () => {
  it.each([
    ['abc@host;to-tag=1;from-tag=2', { callId: 'abc@host', toTag: '1', fromTag: '2', earlyOnly: false }],
    ['abc@host ; from-tag=2 ; to-tag=1', { callId: 'abc@host', toTag: '1', fromTag: '2', earlyOnly: false }],
    ['abc@host;TO-TAG=1;From-Tag=2;early-only', { callId: 'abc@host', toTag: '1', fromTag: '2', earlyOnly: true }],
    ['abc@host;to-tag=1', undefined],
    ['abc@host;from-tag=2', undefined],
    [';to-tag=1;from-tag=2', undefined],
    ['abc@host;to-tag=;from-tag=2', undefined],
    ['', undefined],
  ])('%j', (value, expected) => {
    expect(parseReplaces(value)).toEqual(expected);
  });
});

describe('replacesInHeaders (a Refer-To URI after ?)', () => {
  it.each([
    ['Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2', 'abc@host;to-tag=1;from-tag=2'],
    ['x=1&replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2', 'a;to-tag=1;from-tag=2'],
    ['x=1', undefined],
    ['', undefined],
    // An unreadable escape is a Replaces that names nothing (the REFER then gets 400), not none at all.
    ['Replaces=%E0%A4%A', ''],
  ])('%j', (headers, expected) => {
    expect(replacesInHeaders(headers)).toBe(expected);
  });
});
