import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestHa1, SIP_REALM } from '../telephony/digest-ha1.js';
import { newSipPassword } from './password.js';

describe('digest HA1', () => {
  it('is H(username:realm:password) in MD5 and SHA-256', () => {
    // RFC 2617 section 3.5's example: HA1 for Mufasa in testrealm@host.com with "Circle Of Life".
    expect(digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life').md5).toBe('939e7578ed9e3c518a452acee763bce9');
    expect(digestHa1('pbx-office', SIP_REALM, 'secret-password').sha256).toBe(createHash('sha256').update('pbx-office:prolope:secret-password').digest('hex'));
  });
});

describe('generated SIP passwords', () => {
  it('are 24 base62 characters and differ each time', () => {
    const seen = new Set(Array.from({ length: 200 }, newSipPassword));
    expect(seen.size).toBe(200);
    for (const p of seen) expect(p).toMatch(/^[0-9A-Za-z]{24}$/);
  });
});
