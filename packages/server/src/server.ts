import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { type LoggerOptions, pino } from 'pino';
import { ensureOperator } from './accounts/service.js';
import { buildApp } from './app.js';
import { OutboundCalls } from './calls/outbound.js';
import { type CallRuntime, createCallRuntime } from './calls/call-runtime.js';
import {
  type NodeLease,
  type NodeLeaseOptions,
  openTransport,
  type RemoteControl,
  remoteControl,
  resolveNodeId,
  startNodeLease,
} from './calls/remote-control/index.js';
import { stockTestNumbers } from './numbers/test-numbers.js';
import { ThisNode } from './this-node.js';
import { urlPolicy } from './http/url-policy.js';
import { idempotencyHooks } from './http/idempotency.js';
import { type DeliveryOptions, type DeliveryWorker, startDeliveryWorker } from './events/delivery/index.js';
import { type BillingLoop, type BillingLoopOptions, startBillingLoop } from './billing/engine/index.js';
import { createAuthenticator } from './http/auth.js';
import { type IdempotencyPurge, type IdempotencyPurgeOptions, startIdempotencyPurge } from './http/idempotency-purge.js';
import { type BreachJob, type BreachJobOptions, startBreachJob } from './incidents/breach-job.js';
import { type Clock, systemClock } from './clock.js';
import { type Config, loadConfig } from './config.js';
import { SECRET_PATTERN } from './http/api-key-secret.js';
import { fileObjectStore, fileRecordingStore } from './store/object-store.js';
import { type SecretBox, secretBox } from './secrets/secret-box.js';
import { serverKey } from './secrets/server-key.js';
import { sipEndpoint, sipListening } from './sip-address.js';
import { secureDataDir } from './store/data-dir.js';
import { openStore, type Store } from './store/db.js';
import { migrateToLatest } from './store/migrate.js';
import type { EmbeddedSipStats } from './telephony/sip/embedded-sip.js';
import { buildVoice, type Voice } from './voice.js';
import { version } from './version.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  /** The base URL the API answers on, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The UDP port the embedded SIP endpoint answers on; undefined with PROLOPE_SIP=off. */
  sipPort: number | undefined;
  /** The embedded SIP endpoint's counters (datagrams, bytes, bans dropped); undefined without it. */
  sipStats(): EmbeddedSipStats | undefined;
  /** The free test numbers this start put in the inventory (development mode, fresh store); empty otherwise. */
  stockedTestNumbers: string[];
  /** Where PBXs send SIP as the API shows it (PROLOPE_SIP_PUBLIC_HOST/PORT, else where SIP listens). */
  sipAddress: { host: string; port: number | undefined };
  /** The server key's secret box: what it seals (signing secrets, stored answers) only it opens. */
  secrets: SecretBox;
  /** Set when this start created the operator key (first start on an empty store). */
  createdOperatorKey: string | undefined;
  /** Sends webhook deliveries; with `deliveries: { loop: false }` only when told (tick()). */
  deliveries: DeliveryWorker;
  /** The daily billing jobs of real accounts; with `billing: { loop: false }` only when told (tick()). */
  billing: BillingLoop;
  /** Announces SLA breaches of incidents (`incident.sla_breached`); with `incidents: { loop: false }` only when told (tick()). */
  incidents: BreachJob;
  /** Deletes Idempotency-Key records past their 24 hours; with `idempotency: { loop: false }` only when told (tick()). */
  idempotency: IdempotencyPurge;
  /** With PostgreSQL: this process's node id and lease (the sweep of dead nodes' calls); undefined on SQLite. */
  nodeLease: (NodeLease & { nodeId: string }) | undefined;
  /** This server's call state (live calls); another server in the same process has its own. */
  runtime: CallRuntime;
  close(): Promise<void>;
}

export interface StartOptions {
  config?: Partial<Config>;
  clock?: Clock;
  logger?: boolean | object;
  /** Options of the webhook delivery worker; tests pass `{ loop: false }` and call `deliveries.tick()`. */
  deliveries?: DeliveryOptions;
  /** Options of the billing loop; tests pass `{ loop: false }` (test clocks drive billing there). */
  billing?: BillingLoopOptions;
  /** Options of the incident breach job; tests pass `{ loop: false }` and call `incidents.tick()` with a manual clock. */
  incidents?: BreachJobOptions;
  /** Options of the Idempotency-Key purge; tests pass `{ loop: false }` and call `idempotency.tick()` with a manual clock. */
  idempotency?: IdempotencyPurgeOptions;
  /** Options of the node lease (PostgreSQL); tests pass `{ loop: false }` and call `nodeLease.tick()` with a manual clock. */
  nodes?: NodeLeaseOptions;
}

/** Opens the store, migrates it, makes sure the operator exists, and starts listening. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig(process.env, opts.config);
  if (config.operatorKey && !SECRET_PATTERN.test(config.operatorKey)) {
    throw new Error('PROLOPE_OPERATOR_KEY must look like pk_live_ followed by at least 16 letters or digits (e.g. pk_live_$(openssl rand -hex 20)).');
  }
  const clock = opts.clock ?? systemClock;
  // With PostgreSQL too: the data folder keeps the key file, recordings and exports.
  secureDataDir(config.dataDir);
  const store = openStore(config);
  let remote: RemoteControl | undefined;
  try {
    // Before migrating: migration 0013 seals the signing secrets stored in the clear by earlier versions.
    const secrets = secretBox(serverKey(config.secretKey, config.dataDir));
    await migrateToLatest(store.db as never, { secrets });
    const operator = await ensureOperator({ db: store.db, clock }, config.operatorKey);
    const stockedTestNumbers = config.stockTestNumbers ? await stockTestNumbers({ db: store.db, clock }) : [];
    const webhookPolicy = urlPolicy(config);
    // Several processes may share PostgreSQL: each live call records the node holding it, and actions on
    // it are sent there (calls/remote-control). One process owns a SQLite file: nothing to route.
    const log = processLog(opts.logger, config.logLevel);
    if (store.kind === 'postgres' && config.databaseUrl) {
      const nodeId = resolveNodeId(config.node.id);
      remote = remoteControl(
        { db: store.db, clock, secrets, log },
        nodeId,
        await openTransport({ databaseUrl: config.databaseUrl, natsUrl: config.node.natsUrl }, nodeId, log),
      );
    }
    const node = new ThisNode({ url: config.nodeUrl, id: remote?.nodeId });
    const sip = sipEndpoint(config);
    const runtime = createCallRuntime();
    // Outbound calls write through the handlers' database, whose transactions confirm Idempotency-Key claims.
    const idempotencyKeys = idempotencyHooks(store.db, clock, secrets);
    // Built whole before the API, which places its calls; it listens only once started, after the API.
    const voice: Voice | undefined = config.sipEnabled
      ? buildVoice({ config, db: store.db, handlersDb: idempotencyKeys.db, clock, log, secrets, runtime, node, events: store.events })
      : undefined;
    // Without SIP, calls are still routed (a missing carrier is said first) and then refused: no_route.
    const outbound =
      voice?.outbound ??
      new OutboundCalls({ db: idempotencyKeys.db, clock, node, secrets, activeCalls: runtime.activeCalls, wavs: runtime.wavs }, config, undefined);
    const recordings = fileRecordingStore(config.dataDir);
    const exportFiles = fileObjectStore(config.dataDir, 'exports', 'zip', 'export');
    // One key cache for the API and the billing loop: a standing the loop changes applies to keys at once.
    const auth = createAuthenticator(store.db, clock);
    const app = await buildApp({
      auth,
      store,
      clock,
      version,
      rateLimitPerSecond: config.rateLimitPerSecond,
      rateLimitPerIp: config.rateLimitPerIp,
      trustProxy: config.trustProxy,
      http: config.http,
      loggerInstance: opts.logger === false ? undefined : log,
      activeCalls: runtime.activeCalls,
      conferences: runtime.conferences,
      promptPlaybacks: runtime.promptPlaybacks,
      idempotency: idempotencyKeys,
      outbound,
      recordings,
      exportFiles,
      publicUrl: config.publicUrl,
      webhookPolicy,
      node,
      remoteControl: remote,
      sip,
      secrets,
    });
    const address = await app.listen({ port: config.port, host: config.host });
    node.listening(address.replace('[::1]', 'localhost'));
    let sipPort: number | undefined;
    let nodeLease: RunningServer['nodeLease'];
    try {
      if (remote) {
        // Before voice: calls an earlier run under this node id left are failed before new ones come.
        const lease = await startNodeLease(
          { db: store.db, clock, secrets, log: app.log },
          { id: remote.nodeId, url: node.url ?? null, leaseMs: config.node.leaseSeconds * 1000 },
          opts.nodes,
        );
        nodeLease = Object.assign(lease, { nodeId: remote.nodeId });
        await remote.serve(app);
      }
      // After listen: recording URLs and the calls' owner_url are this API's address (see ThisNode).
      if (voice) {
        ({ sipPort } = await voice.start());
        sipListening(sip, config, sipPort);
      }
    } catch (err) {
      await nodeLease?.stop();
      await app.close();
      throw err;
    }
    // One process owns a SQLite file, so deliveries a killed predecessor had claimed are nobody's: free
    // them now rather than after their lock. (With PostgreSQL another process may hold them; their
    // lock expires within seconds.)
    if (store.kind === 'sqlite') {
      await store.db
        .updateTable('event_deliveries')
        .set({ locked_until: null })
        .where('status', '=', 'pending')
        .where('locked_until', 'is not', null)
        .execute();
    }
    const deliveries = startDeliveryWorker(
      { db: store.db, storeKind: store.kind, events: store.events, clock, webhookPolicy, secrets, log: app.log },
      { perEndpoint: config.webhookPerEndpoint, maxInFlight: config.webhookMaxInFlight, ...opts.deliveries },
    );
    const incidents = startBreachJob({ db: store.db, clock, log: app.log }, opts.incidents);
    const idempotency = startIdempotencyPurge({ db: store.db, clock, log: app.log }, opts.idempotency);
    const billing = startBillingLoop({ db: store.db, storeKind: store.kind, clock, auth, recordings, exportFiles }, opts.billing, app.log);
    return {
      app,
      store,
      url: address.replace('[::1]', 'localhost'),
      sipPort,
      sipStats: () => voice?.sipStats(),
      sipAddress: sip,
      secrets,
      createdOperatorKey: operator.createdSecret,
      stockedTestNumbers,
      deliveries,
      billing,
      incidents,
      idempotency,
      nodeLease,
      runtime,
      async close() {
        await idempotency.stop();
        await incidents.stop();
        await billing.stop();
        await deliveries.stop();
        await voice?.stop();
        // After voice: its calls have ended, so giving the lease up leaves none to sweep.
        await nodeLease?.stop();
        await remote?.close();
        await app.close();
        await store.close();
      },
    };
  } catch (err) {
    await remote?.close();
    await store.close();
    throw err;
  }
}

/**
 * The process's logger, made before the app so the voice side and remote control built before it log
 * where the API does (the app logs through a child of it). Fastify's options: false for none.
 */
function processLog(logger: StartOptions['logger'], level: string): FastifyBaseLogger {
  if (logger === false) return pino({ enabled: false });
  return pino(logger === true ? {} : ((logger as LoggerOptions | undefined) ?? { level }));
}
