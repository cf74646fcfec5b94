import type { ApiClient } from './api-client.js';

/**
 * For call tests: the operator stocks `numbers` and the customer buys them all; throws (failing the
 * test's beforeAll) when either step is refused.
 */
export async function buyNumbers(operator: ApiClient, customer: ApiClient, numbers: readonly string[]): Promise<void> {
  const stock = await operator.post('/v1/number-inventory', {
    numbers: numbers.map((number) => ({ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' })),
  });
  if (stock.status !== 201) throw new Error(`could not stock ${numbers.join(', ')}: ${JSON.stringify(stock.body)}`);
  for (const number of numbers) {
    const bought = await customer.post('/v1/numbers', { number });
    if (bought.status !== 201) throw new Error(`could not buy ${number}: ${JSON.stringify(bought.body)}`);
  }
}

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
