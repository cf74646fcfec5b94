import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { BillingLoopOptions } from '../billing/engine/index.js';
import type { DeliveryOptions } from '../events/delivery/index.js';
import type { BreachJobOptions } from '../incidents/breach-job.js';
import type { IdempotencyPurgeOptions } from '../http/idempotency-purge.js';
import { type RunningServer, startServer } from '../server.js';
import type { StoreKind } from '../store/db.js';
import { type ApiClient, apiClient } from './api-client.js';
import { createDatabase, postgresAvailable } from './postgres.js';

/** The stores every domain suite runs on: SQLite always, PostgreSQL when it answers (always in CI). */
export const storeKinds: StoreKind[] = (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestServer {
  server: RunningServer;
  url: string;
  operatorKey: string;
  /** A client with the operator's key. */
  operator: ApiClient;
  client(key?: string): ApiClient;
  /** Creates a customer account through the API and returns its admin key and client. */
  customer(name?: string): Promise<{ accountId: string; key: string; api: ApiClient }>;
  close(): Promise<void>;
}

export const accountBody = (name = 'Acme OOD') => ({
  name,
  legal_entity: { type: 'company', legal_name: `${name} Ltd`, country: 'BG', registration_number: '123456789' },
  signatory: { name: 'Ivana Petrova', email: 'ivana@example.com', confirms_age_18_or_over: true, confirms_authority: true },
});

/** Starts a real server on a free loopback port with a store of its own. */
export async function startTestServer(
  kind: StoreKind,
  opts: {
    config?: Partial<Config>;
    clock?: Clock;
    deliveries?: DeliveryOptions;
    billing?: BillingLoopOptions;
    incidents?: BreachJobOptions;
    idempotency?: IdempotencyPurgeOptions;
    /** pino options, for a test that reads what the server logs (e.g. that no secret is logged). */
    logger?: object;
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-test-'));
  const pg = kind === 'postgres' ? await createDatabase() : undefined;
  const server = await startServer({
    config: {
      // Tests stock the numbers they use.
      stockTestNumbers: false,
      port: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: pg?.url,
      operatorKey: undefined,
      rateLimitPerSecond: 0,
      sipPort: 0,
      sipHost: '127.0.0.1',
      ...opts.config,
    },
    ...(opts.clock ? { clock: opts.clock } : {}),
    // Tests deliver webhooks when they say so (deliveries.tick()), unless they ask for the loop.
    deliveries: opts.deliveries ?? { loop: false },
    // Billing runs through test clocks (or billing.tick()), never on a timer, unless asked.
    billing: opts.billing ?? { loop: false },
    // SLA breaches are announced when a test says so (incidents.tick()), unless it asks for the loop.
    incidents: opts.incidents ?? { loop: false },
    // Old Idempotency-Key records are purged when a test says so (idempotency.tick()).
    idempotency: opts.idempotency ?? { loop: false },
    logger: opts.logger ?? false,
  });
  const operatorKey = opts.config?.operatorKey ?? server.createdOperatorKey;
  if (!operatorKey) throw new Error('test server has no operator key');
  const client = (key?: string) => apiClient(server.url, key);
  let n = 0;
  return {
    server,
    url: server.url,
    operatorKey,
    operator: client(operatorKey),
    client,
    async customer(name = `Customer ${++n}`) {
      const res = await client(operatorKey).post('/v1/accounts', accountBody(name));
      if (res.status !== 201) throw new Error(`could not create a customer: ${JSON.stringify(res.body)}`);
      return { accountId: res.body.id, key: res.body.initial_api_key.secret, api: client(res.body.initial_api_key.secret) };
    },
    async close() {
      await server.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
