import type { ApiClient } from './api-client.js';

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
