// The Prolope server for bench/webhooks, in a process of its own so the load generator and the
// receiver never share its event loop. The store comes from the environment (BENCH_DATA_DIR for
// SQLite, BENCH_PG_URL for PostgreSQL), so a second target started on the same environment finds
// what the first wrote.
//   node target.mjs          -> the server as it runs in production: the delivery loop on
//   node target.mjs noloop   -> no delivery loop: events pile up as a backlog for the next target
// BENCH_WEBHOOKS_SERVER=<path to another build's dist/index.js> benches that build instead (placed
// under packages/server, e.g. a copy of an older dist, so that it finds the same dependencies).
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

// Counts the statements this process sends to PostgreSQL (every one goes through Client#query, the
// pool's included), so the bench can print statements per delivery: on PostgreSQL each is a round
// trip and a socket write, which the CPU profiles showed among the largest costs of a delivery.
const pg = createRequire(new URL('../../packages/server/package.json', import.meta.url))('pg');
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(...args) {
  statements++;
  return query.apply(this, args);
};

const build = process.env.BENCH_WEBHOOKS_SERVER;
const { startServer } = await import(build ? pathToFileURL(build).href : '@prolope/server');

const loop = process.argv[2] !== 'noloop';
const server = await startServer({
  config: {
    port: 0,
    host: '127.0.0.1',
    dataDir: process.env.BENCH_DATA_DIR,
    databaseUrl: process.env.BENCH_PG_URL || undefined,
    operatorKey: process.env.BENCH_OPERATOR_KEY,
    rateLimitPerSecond: 0,
    sipEnabled: false,
    // The receiver is on loopback, which only development mode allows.
    development: true,
  },
  logger: false,
  deliveries: { loop },
});
process.send?.({ url: server.url });

let cpu = process.cpuUsage();
let elu = performance.eventLoopUtilization();
process.on('message', (m) => {
  if (m === 'mark') {
    // What this process used since the last mark: CPU in % of a core, event-loop utilization.
    const wall = elu;
    elu = performance.eventLoopUtilization();
    const used = performance.eventLoopUtilization(elu, wall);
    const spent = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    process.send?.({ cpuMs: (spent.user + spent.system) / 1000, wallMs: used.idle + used.active, elu: used.utilization, statements });
    statements = 0;
  } else if (m === 'exit') {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
});
