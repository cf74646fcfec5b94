import { fileURLToPath } from 'node:url';
import type { ApiClient } from './api-client.js';
import { explain } from './call-fixtures.js';
import { runSipp } from './sipp.js';

/** For call tests: the customer's SIP trunk for a PBX at `ips` (default loopback), calling as `callerIds`, with digest credentials. */
export async function pbxTrunk(
  customer: ApiClient,
  o: { username: string; password: string; callerIds: readonly string[]; ips?: readonly string[]; name?: string },
): Promise<{ id: string }> {
  const trunk = await customer.post('/v1/sip-trunks', {
    name: o.name ?? 'Office PBX',
    allowed_ips: o.ips ?? ['127.0.0.1'],
    allowed_caller_ids: o.callerIds,
    credentials: { username: o.username, password: o.password },
  });
  if (trunk.status !== 201) throw new Error(`could not create the trunk: ${JSON.stringify(trunk.body)}`);
  return trunk.body as { id: string };
}

/** A SIP user as phone tests use it: its id and the credentials its phones register with. */
export interface PhoneUser {
  id: string;
  username: string;
  domain: string;
  password: string;
}

const REGISTER = fileURLToPath(new URL('../telephony/sip/test-scenarios/register-digest.xml', import.meta.url));

/**
 * Registers a device of `u` from 127.0.0.1:`port` with SIPp (digest, 600 s); the test then runs a SIPp
 * UAS on that same port as the device, which Prolope reaches where the REGISTER came from.
 */
export async function registerFrom(sipPort: number, u: PhoneUser, port: number): Promise<void> {
  const run = await runSipp(REGISTER, u.username, sipPort, [
    ...['-au', u.username, '-ap', u.password, '-auth_uri', u.domain],
    ...['-set', 'domain', u.domain, '-set', 'contact', `<sip:${u.username}@127.0.0.1:${port}>`, '-set', 'expires', '600'],
    ...['-p', String(port)],
  ]);
  if (run.code !== 0) throw new Error(`REGISTER of ${u.username} failed: ${explain(run)}`);
}
