// One load target per process, so the two targets never share a CPU-bound event loop:
//   node target.mjs prolope   -> the Prolope server on SQLite, rate limits off
//   node target.mjs bare      -> a bare Fastify route answering the JSON in BENCH_BARE_BODY
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const kind = process.argv[2];
if (kind === 'bare') {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  // run.mjs hands over the body Prolope answered, so both sides write the same bytes; the route returns
  // it as an object, as a plain Fastify route would, so Fastify serializes it on every request.
  if (!process.env.BENCH_BARE_BODY) throw new Error('BENCH_BARE_BODY is not set: start the bare target from run.mjs');
  const body = JSON.parse(process.env.BENCH_BARE_BODY);
  app.get('/bare', async () => body);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ url: `${url}/bare` });
} else if (kind === 'prolope') {
  // BENCH_SERVER_ENTRY: another build's dist/index.js (run.mjs's BENCH_API_COMPARE), to measure a change.
  const { startServer } = await import(process.env.BENCH_SERVER_ENTRY ?? '@prolope/server');
  const server = await startServer({
    config: {
      port: 0,
      host: '127.0.0.1',
      dataDir: mkdtempSync(join(tmpdir(), 'prolope-bench-')),
      databaseUrl: process.env.BENCH_DATABASE_URL,
      rateLimitPerSecond: 0,
      sipEnabled: false,
    },
    logger: false,
  });
  const res = await fetch(`${server.url}/v1/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.createdOperatorKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Bench',
      legal_entity: { type: 'company', legal_name: 'Bench OOD', country: 'BG' },
      signatory: { name: 'B', email: 'b@example.com', confirms_age_18_or_over: true, confirms_authority: true },
    }),
  });
  const account = await res.json();
  process.send?.({ url: `${server.url}/v1/accounts/me`, key: account.initial_api_key.secret });
} else {
  console.error('usage: target.mjs prolope|bare');
  process.exit(2);
}

// Lets a profiling run end the target cleanly (a signal would skip writing --cpu-prof output).
process.on('message', (m) => {
  if (m === 'exit') process.exit(0);
});
