// Prolope SDK quickstart: check the server, see whose key this is, create, list and revoke an
// API key, and handle a typed error.
//
//   npx -y pnpm@10 --filter @prolope/sdk build   (in this repository)
//   PROLOPE_API_KEY=pk_live_… node examples/sdk-quickstart/index.mjs
//
// PROLOPE_BASE_URL points it at a server other than the local one (http://localhost:3000).
import { ApiError, NotFoundError, Prolope } from '@prolope/sdk';

const prolope = new Prolope({
  // apiKey defaults to process.env.PROLOPE_API_KEY
  baseUrl: process.env.PROLOPE_BASE_URL ?? 'http://localhost:3000',
  userAgent: 'sdk-quickstart/0.1',
});

const health = await prolope.health.retrieve();
console.log(`server ${health.version} is ${health.status}`);

const me = await prolope.accounts.me();
console.log(`this key belongs to ${me.name} (${me.id})`);

// A POST: the SDK adds an Idempotency-Key and reuses it if it has to retry, so a lost answer
// never creates two keys. Pass your own key to make retries from another process safe too.
const key = await prolope.apiKeys.create({ name: 'quickstart', scopes: ['contacts:read'] });
console.log(`created ${key.id}; its secret ${key.prefix}… is shown only now`);

// Await a list for its first page, or iterate every item up to a bound you choose.
const first = await prolope.apiKeys.list({ limit: 5 });
console.log(`first page: ${first.data.length} keys, more: ${first.has_more}`);
for await (const k of prolope.apiKeys.list({ limit: 50 }).autoPaginate({ max: 200 })) {
  console.log(`  ${k.id}  ${k.status.padEnd(8)} ${k.name}`);
}

const revoked = await prolope.apiKeys.revoke(key.id);
console.log(`revoked ${revoked.id}: ${revoked.status}`);

try {
  await prolope.apiKeys.retrieve('key_doesnotexist');
} catch (err) {
  if (err instanceof NotFoundError) console.log(`as expected, ${err.code} (request ${err.requestId})`);
  else if (err instanceof ApiError) console.log(`API error ${err.status}: ${err.message}`);
  else throw err;
}
