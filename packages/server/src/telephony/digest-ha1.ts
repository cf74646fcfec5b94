import { createHash } from 'node:crypto';

/**
 * The digest realm every trunk authenticates in. One constant realm, not one per account: the SIP side
 * finds a trunk by its (globally unique) username, and HA1 hashes the realm in, so changing this
 * value would invalidate every stored hash and force every customer to reset their password.
 */
export const SIP_REALM = 'prolope';

export interface DigestHa1 {
  md5: string;
  sha256: string;
}

/**
 * HA1 = H(username:realm:password) for SIP digest authentication, in MD5 (RFC 2617, what most PBXs
 * still send) and SHA-256 (RFC 7616). Storing these instead of the password lets the SIP side verify
 * a challenge response without ever holding the password.
 *
 * @example
 * ```ts
 * const { md5 } = digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life');
 * // '939e7578ed9e3c518a452acee763bce9' (RFC 2617, section 3.5)
 * ```
 */
export function digestHa1(username: string, realm: string, password: string): DigestHa1 {
  const a1 = `${username}:${realm}:${password}`;
  return {
    md5: createHash('md5').update(a1).digest('hex'),
    sha256: createHash('sha256').update(a1).digest('hex'),
  };
}
