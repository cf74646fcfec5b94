// The SIP load target: a Prolope server on SQLite with one customer, two numbers and a trunk for
// 127.0.0.1, so SIPp can place authorized calls. Sends the call parameters to the parent over IPC.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@prolope/server';

const server = await startServer({
  config: { port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'prolope-bench-sip-')), rateLimitPerSecond: 0, sipPort: 0, sipHost: '127.0.0.1' },
  logger: false,
});
const api = async (key, method, path, body) => {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const op = server.createdOperatorKey;
const account = await api(op, 'POST', '/v1/accounts', {
  name: 'Bench PBX',
  legal_entity: { type: 'company', legal_name: 'Bench OOD', country: 'BG' },
  signatory: { name: 'B', email: 'b@example.com', confirms_age_18_or_over: true, confirms_authority: true },
});
const key = account.initial_api_key.secret;
const [from, to] = ['+35929100001', '+35929100002'];
await api(op, 'POST', '/v1/number-inventory', {
  numbers: [from, to].map((number) => ({ number, type: 'local', monthly_price: '1.00', setup_price: '0.00', currency: 'EUR' })),
});
for (const number of [from, to]) await api(key, 'POST', '/v1/numbers', { number });
const password = 'bench-Secret-2026';
await api(key, 'POST', '/v1/sip-trunks', {
  name: 'bench',
  allowed_ips: ['127.0.0.1'],
  allowed_caller_ids: [from],
  credentials: { username: 'bench-pbx', password },
});
process.send?.({ url: server.url, key, sipPort: server.sipPort, from, to, username: 'bench-pbx', password });
process.on('message', (m) => {
  if (m === 'exit') server.close().then(() => process.exit(0));
});
