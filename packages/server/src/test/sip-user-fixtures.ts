import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { ApiClient } from './api-client.js';
import { explain } from './call-fixtures.js';
import { runSipp } from './sipp.js';

const REGISTER = fileURLToPath(new URL('../telephony/sip/test-scenarios/register-digest.xml', import.meta.url));

/** A SIP user as call tests use it: its generated password is shown once, at creation. */
export interface SipUser {
  id: string;
  username: string;
  domain: string;
  password: string;
}

/** Creates user `ext` (username and extension alike, up to five devices) for `customer`. */
export async function newSipUser(customer: ApiClient, ext: string): Promise<SipUser> {
  const res = await customer.post('/v1/sip-users', { username: ext, extension: ext, max_registrations: 5 });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { id: res.body.id, username: ext, domain: res.body.domain, password: res.body.password };
}

/** Registers a device of `u` (SIPp, digest) from 127.0.0.1:`port`, the port the device then answers on. */
export async function registerSipUser(sipPort: number, u: SipUser, port: number): Promise<void> {
  const run = await runSipp(REGISTER, u.username, sipPort, [
    ...['-au', u.username, '-ap', u.password, '-auth_uri', u.domain],
    ...['-set', 'domain', u.domain, '-set', 'contact', `<sip:${u.username}@127.0.0.1:${port}>`, '-set', 'expires', '600'],
    ...['-p', String(port)],
  ]);
  expect(run.code, explain(run)).toBe(0);
}
