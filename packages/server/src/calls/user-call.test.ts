import { describe, expect, it } from 'vitest';
import { userRealmOf } from './user-call.js';

describe('userRealmOf', () => {
  it("is the account domain of an INVITE to `<slug>.<PROLOPE_SIP_DOMAIN>`, lower-cased, and nothing else's", () => {
    expect(userRealmOf('sip:202@01ABC.sip.localhost', 'sip.localhost')).toBe('01abc.sip.localhost');
    expect(userRealmOf('sip:+35929876543@01abc.sip.localhost;user=phone', 'sip.localhost')).toBe('01abc.sip.localhost');
    // A trunk's PBX calls our address or the parent domain itself: those are trunk calls.
    expect(userRealmOf('sip:+35929876543@127.0.0.1:5060', 'sip.localhost')).toBeUndefined();
    expect(userRealmOf('sip:202@sip.localhost', 'sip.localhost')).toBeUndefined();
    expect(userRealmOf('sip:202@evilsip.localhost', 'sip.localhost')).toBeUndefined();
    expect(userRealmOf('not a uri', 'sip.localhost')).toBeUndefined();
  });
});
