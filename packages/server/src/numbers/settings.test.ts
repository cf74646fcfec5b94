import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretBox } from '../secrets/secret-box.js';
import { readVoice } from './stored-voice.js';
import { ProblemError } from '../errors.js';
import { forwardingOf, type NumberUpdateInput, settingsPatch, voiceOf } from './settings.js';

const own = '+35929876543';
const box = secretBox(randomBytes(32));

describe('voiceOf', () => {
  it.each([
    [{ url: 'https://a' }, { url: 'https://a', method: 'POST', fallback_method: 'POST' }],
    [
      { url: 'https://a', method: 'GET' as const, fallback_url: 'https://b' },
      { url: 'https://a', method: 'GET', fallback_url: 'https://b', fallback_method: 'POST' },
    ],
    [
      { url: 'https://a', fallback_method: 'GET' as const },
      { url: 'https://a', method: 'POST', fallback_method: 'GET' },
    ],
  ])('%j -> %j', (input, voice) => {
    const { signing_secret, ...rest } = voiceOf(input);
    expect(rest).toEqual(voice);
    expect(signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  });

  it('keeps the previous signing secret, so a new URL does not break verification', () => {
    expect(voiceOf({ url: 'https://b' }, 'whsec_kept').signing_secret).toBe('whsec_kept');
    expect(voiceOf({ url: 'https://a' }).signing_secret).not.toBe(voiceOf({ url: 'https://a' }).signing_secret);
  });
});

describe('forwardingOf', () => {
  it('normalises targets and fills the defaults', () => {
    expect(forwardingOf({ targets: [{ number: '0888 123 456' }, { number: '+44 20 7946 0958', ring_timeout: 60 }] }, own)).toEqual({
      mode: 'sequential',
      targets: [
        { number: '+359888123456', ring_timeout: 20 },
        { number: '+442079460958', ring_timeout: 60 },
      ],
    });
    expect(forwardingOf({ mode: 'simultaneous', targets: [{ number: '+359888123456' }] }, own).mode).toBe('simultaneous');
  });

  it.each([
    [[{ number: '+359888123456' }, { number: 'abc' }], 'invalid_phone_number', '/body/forwarding/targets/1/number'],
    [[{ number: '02 987 6543' }], 'validation_failed', '/body/forwarding/targets/0/number'],
  ])('refuses %j with %s at %s', (targets, code, param) => {
    let err: unknown;
    try {
      forwardingOf({ targets }, own);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProblemError);
    expect(err).toMatchObject({ code, param });
  });
});

describe('settingsPatch', () => {
  it.each<[NumberUpdateInput, Record<string, unknown>]>([
    [{ friendly_name: 'x' }, { friendly_name: 'x' }],
    [
      { friendly_name: null, voice: null, sip_trunk_id: null, forwarding: null },
      { friendly_name: null, voice: null, sip_trunk_id: null, forwarding: null },
    ],
    [{ sip_trunk_id: 'trk_1' }, { sip_trunk_id: 'trk_1' }],
    [
      { forwarding: { targets: [{ number: '+359888123456' }] } },
      { forwarding: '{"mode":"sequential","targets":[{"number":"+359888123456","ring_timeout":20}]}' },
    ],
  ])('%j -> %j', (input, patch) => {
    expect(settingsPatch(input, { id: 'pn_1', number: own, voice: null }, box)).toEqual(patch);
  });

  it('stores voice with a new signing secret, or the one it had, sealed for this number only', () => {
    const column = settingsPatch({ voice: { url: 'https://a' } }, { id: 'pn_1', number: own, voice: null }, box).voice as string;
    const fresh = JSON.parse(column);
    expect(fresh).toMatchObject({ url: 'https://a', method: 'POST', fallback_method: 'POST' });
    expect(fresh).not.toHaveProperty('signing_secret');
    expect(fresh.signing_secret_sealed).toMatch(/^v1\./);
    const secret = readVoice(box, 'pn_1', column)?.signing_secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(column).not.toContain(secret.slice(6, 20));
    expect(() => readVoice(box, 'pn_2', column)).toThrow();
    const stored = JSON.stringify({ ...fresh, url: 'https://old' });
    const moved = settingsPatch({ voice: { url: 'https://new', method: 'GET' } }, { id: 'pn_1', number: own, voice: stored }, box).voice as string;
    expect(readVoice(box, 'pn_1', moved)).toEqual({ url: 'https://new', method: 'GET', fallback_method: 'POST', signing_secret: secret });
  });
});
