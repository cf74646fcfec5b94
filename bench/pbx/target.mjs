// bench/pbx's Prolope: a server on SQLite (the embedded SIP backend) with one account and
// BENCH_PBX_USERS SIP users (the first through the API, the rest straight into its store). Writes the users, with the
// passwords the API showed once, to a SIPp injection file (user;domain;[authentication ...]), and answers
// run.mjs's requests for memory figures and the count of live registrations over IPC.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startServer } from '@prolope/server';
import { apiCaller, createBenchAccount } from '../common/bench-account.mjs';

const users = Number(process.env.BENCH_PBX_USERS ?? 10_000);

// SQL statements run by the store, counted where every one of them passes: better-sqlite3's Statement
// (Kysely's SQLite driver runs each query, BEGIN and COMMIT included, through `all`, `run` or
// `iterate`). run.mjs asks for the count before and after a step: statements per REGISTER, a figure
// that, unlike a rate, does not move with the machine's other load.
let statements = 0;
{
  const Database = createRequire(fileURLToPath(import.meta.resolve('@prolope/server')))('better-sqlite3');
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  for (const method of ['all', 'get', 'run', 'iterate']) {
    const original = proto[method];
    proto[method] = function counted(...args) {
      statements++;
      return original.apply(this, args);
    };
  }
}
const dir = mkdtempSync(join(tmpdir(), 'prolope-bench-pbx-'));
const server = await startServer({
  config: {
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    rateLimitPerSecond: 0,
    sipPort: 0,
    sipHost: '127.0.0.1',
    // MD5 only, as Kamailio's challenge: both sides then hash the same way for every REGISTER.
    sipRegister: { minExpires: 60, maxExpires: 3600, defaultExpires: 3600, algorithms: ['MD5'] },
  },
  logger: process.env.BENCH_PBX_SERVER_LOG ? { level: 'warn', file: process.env.BENCH_PBX_SERVER_LOG } : false,
});
const api = apiCaller(server.url);
const account = await createBenchAccount(api, server.createdOperatorKey, 'Bench PBX');
const key = account.initial_api_key.secret;

// BENCH_PBX_API_USERS (default 200) through the API, a few requests at a time, as a customer would;
// the rest straight into the store (the API creates about 30 a second on a loaded 2-core machine, so
// 10,000 would take minutes): rows like the API's own, copied from one it made, with their own id,
// username, extension and HA1s, so the registrar cannot tell them apart.
const apiUsers = Math.min(users, Number(process.env.BENCH_PBX_API_USERS ?? 200));
const created = performance.now();
const rows = new Array(users);
const username = (i) => `u${10000 + i}`;
let next = 0;
let domain;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < apiUsers) {
      const i = next++;
      const u = await api(key, 'POST', '/v1/sip-users', { username: username(i), extension: String(10000 + i) });
      // SIPp reads a password that starts with 0x as hex: a new one until it does not (1 in 4,096).
      while (u.password.startsWith('0x')) u.password = (await api(key, 'POST', `/v1/sip-users/${u.id}/rotate-password`)).password;
      domain = u.domain;
      // SIPp expands a keyword found in a field: the third field is the whole [authentication] keyword.
      rows[i] = `${username(i)};${u.domain};[authentication username=${username(i)} password=${u.password}]`;
    }
  }),
);
const apiSeconds = (performance.now() - created) / 1000;
const template = await server.store.db.selectFrom('sip_users').selectAll().where('account_id', '=', account.id).executeTakeFirstOrThrow();
domain = template.realm;
const hash = (alg, s) => createHash(alg).update(s).digest('hex');
// A ULID's 26 Crockford base32 characters: the template's time part, then random ones.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const idFor = () => `${template.id.slice(0, -16)}${Array.from(randomBytes(16), (b) => CROCKFORD[b % 32]).join('')}`;
for (let from = apiUsers; from < users; from += 500) {
  const batch = [];
  for (let i = from; i < Math.min(users, from + 500); i++) {
    // Never starting with 0x, which SIPp reads as hex.
    const password = `p${randomBytes(12).toString('base64url')}`;
    const ha1 = `${username(i)}:${domain}:${password}`;
    batch.push({ ...template, id: idFor(), username: username(i), extension: String(10000 + i), ha1_md5: hash('md5', ha1), ha1_sha256: hash('sha256', ha1) });
    rows[i] = `${username(i)};${domain};[authentication username=${username(i)} password=${password}]`;
  }
  await server.store.db.insertInto('sip_users').values(batch).execute();
}
const createSeconds = (performance.now() - created) / 1000;
const csv = join(dir, 'users.csv');
writeFileSync(csv, `SEQUENTIAL\n${rows.join('\n')}\n`);
process.send?.({ url: server.url, key, sipPort: server.sipPort, domain, csv, users, apiUsers, apiSeconds, createSeconds });

/** Registrations not yet expired, straight from the store (the API lists them per user only). */
async function liveRegistrations() {
  const row = await server.store.db
    .selectFrom('sip_registrations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('expires_at', '>', new Date().toISOString())
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

process.on('message', async (m) => {
  if (m === 'exit') server.close().then(() => process.exit(0));
  else if (m?.cmd === 'statements') process.send({ statements });
  else if (m?.cmd === 'stats') {
    // After a full collection (run.mjs forks this with --expose-gc), so heap figures are comparable.
    globalThis.gc?.();
    const mem = process.memoryUsage();
    process.send({ stats: { rssMiB: mem.rss / 2 ** 20, heapUsedMiB: mem.heapUsed / 2 ** 20, registrations: await liveRegistrations() } });
  }
});
process.on('disconnect', () => process.exit(0));
