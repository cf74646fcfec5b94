import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { accountRoutes } from './accounts/routes.js';
import { apiKeyRoutes } from './api-keys/routes.js';
import type { Clock } from './clock.js';
import { contactRoutes } from './contacts/routes.js';
import type { Handlers } from './deps.js';
import type { CallDeps } from './calls/call-deps.js';
import { ActiveCalls } from './calls/active-calls.js';
import type { OutboundCalls } from './calls/outbound.js';
import { callActionRoutes } from './calls/action-routes.js';
import { callRoutes } from './calls/routes.js';
import type { ConferenceRooms } from './calls/conference-rooms.js';
import { conferenceRoutes } from './calls/conference-routes.js';
import { healthRoutes } from './health/routes.js';
import { numberPortRoutes } from './number-ports/routes.js';
import { numberRoutes } from './numbers/routes.js';
import { recordingRoutes } from './recordings/routes.js';
import { memoryRecordingStore, type ObjectStore, type RecordingStore } from './store/object-store.js';
import { sipTrunkRoutes } from './sip-trunks/routes.js';
import { sipUserRoutes } from './sip-users/routes.js';
import { callHandlingRoutes } from './call-handling/routes.js';
import { ttsRoutes } from './tts/routes.js';
import { audioRoutes } from './audio/routes.js';
import { PromptPlaybacks } from './telephony/verbs/prompt-playbacks.js';
import { voicemailRoutes } from './voicemail/routes.js';
import { ringGroupRoutes } from './ring-groups/routes.js';
import { scheduleRoutes } from './schedules/routes.js';
import { flowRoutes } from './flows/routes.js';
import { carrierRoutes } from './carriers/routes.js';
import type { SecretBox } from './secrets/secret-box.js';
import type { SipEndpoint } from './sip-address.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits, type TrustProxy } from './config.js';
import { capConnectionsPerIp } from './http/connection-cap.js';
import { type Authenticator, createAuthenticator } from './http/auth.js';
import { registerCors } from './http/cors.js';
import { registerDocs } from './http/docs.js';
import { installJsonParser, refuseBody, refuseNulInUrl } from './http/body-policy.js';
import { clientErrorHandler, frameworkErrors } from './http/framework-errors.js';
import { type IdempotencyHooks, idempotencyHooks } from './http/idempotency.js';
import { openapiDocument, operationIds, operationTable, type OperationId } from './http/operations.js';
import { routeHandler } from './http/typed-handlers.js';
import { installProblemHandlers } from './http/problem.js';
import { methodsByPath } from './http/method-not-allowed.js';
import { registerRateLimit } from './http/rate-limit.js';
import { installValidators } from './http/validation.js';
import { standingGuard } from './http/standing-guard.js';
import { requestIdGenerator } from './http/request-id.js';
import type { ThisNode } from './this-node.js';
import type { RemoteControl } from './calls/remote-control/index.js';
import type { Store } from './store/db.js';
import { eventRoutes } from './events/routes.js';
import { liveStreamsPlugin } from './events/stream/plugin.js';
import { webhookEndpointRoutes } from './webhook-endpoints/routes.js';
import { planRoutes } from './billing/plan-routes.js';
import { subscriptionRoutes } from './billing/subscription-routes.js';
import { invoiceRoutes } from './billing/invoice-routes.js';
import { testClockRoutes } from './test-clocks/routes.js';
import { exportRoutes } from './exports/routes.js';
import { incidentRoutes } from './incidents/routes.js';
import { statusRoutes } from './status/routes.js';
import { slaCalculatorRoutes } from './sla-calculator/routes.js';
import { type UrlPolicy, urlPolicy } from './http/url-policy.js';

export interface AppOptions {
  store: Store;
  clock: Clock;
  version: string;
  rateLimitPerSecond: number;
  /** Requests per second per client IP without a known valid key (PROLOPE_RATE_LIMIT_IP); default 20. */
  rateLimitPerIp?: number;
  /** Slow-client defences (timeouts, connections per IP); defaults as in config. */
  http?: HttpLimits;
  /** Which proxies' X-Forwarded-For to believe for the client IP (PROLOPE_TRUST_PROXY); default none. */
  trustProxy?: TrustProxy;
  logger?: FastifyServerOptions['logger'];
  /** A logger made beforehand (startServer's, shared with the voice side); takes the place of `logger`. */
  loggerInstance?: FastifyBaseLogger | undefined;
  /** This server's live calls (its CallRuntime's); a registry of the app's own when not given. */
  activeCalls?: ActiveCalls;
  /** This server's conference rooms (its CallRuntime's); `GET /v1/conferences` lists none without them. */
  conferences?: ConferenceRooms | undefined;
  /** This server's playbacks of stored prompts (its CallRuntime's), which takedowns stop; the app's own when not given. */
  promptPlaybacks?: PromptPlaybacks;
  /**
   * Outbound calls (`POST /v1/calls`), built with their telephony (voice.ts). Build it on
   * `idempotency.db` (and pass that `idempotency` too): its writes then confirm a request's
   * Idempotency-Key claim, so a `POST /v1/calls` retried after a crash never places the call twice.
   */
  outbound?: OutboundCalls;
  /** The Idempotency-Key hooks and the database handlers write through; built here when not given. */
  idempotency?: IdempotencyHooks;
  /** Where recordings' audio is kept; in memory when not given (an app without a data folder). */
  recordings?: RecordingStore;
  /** Where export archives are kept; in memory when not given. */
  exportFiles?: ObjectStore;
  /** The API's public address (PROLOPE_PUBLIC_URL), for absolute URLs in responses. */
  publicUrl?: string | undefined;
  /** Which addresses webhook endpoints may resolve to; default: development rules (private addresses allowed). */
  webhookPolicy?: UrlPolicy;
  /** This process as other processes reach it (filled in once it listens). */
  node?: ThisNode;
  /** With PostgreSQL: live actions on calls other processes hold go there (calls/remote-control). */
  remoteControl?: RemoteControl | undefined;
  /** Key lookups, shared with the billing loop so a standing change it makes shows at once. */
  auth?: Authenticator;
  /** Prolope's public SIP address, completed by startServer once SIP listens. */
  sip: SipEndpoint;
  /** The server key's secret box (carriers' digest passwords, stored Idempotency-Key answers, signing secrets). */
  secrets: SecretBox;
}

/** Every domain's handlers; a spec operation without one fails the build of the app (and a test). */
export function allHandlers(deps: CallDeps): Handlers {
  return {
    ...healthRoutes(deps),
    ...accountRoutes(deps),
    ...apiKeyRoutes(deps),
    ...contactRoutes(deps),
    ...numberRoutes(deps),
    ...sipTrunkRoutes(deps),
    ...sipUserRoutes(deps),
    ...callHandlingRoutes(deps),
    ...ttsRoutes(),
    ...voicemailRoutes(deps),
    ...ringGroupRoutes(deps),
    ...scheduleRoutes(deps),
    ...flowRoutes(deps),
    ...carrierRoutes(deps),
    ...numberPortRoutes(deps),
    ...callRoutes(deps),
    ...callActionRoutes(deps),
    ...conferenceRoutes(deps),
    ...recordingRoutes(deps),
    ...audioRoutes(deps),
    ...webhookEndpointRoutes(deps),
    ...eventRoutes(deps),
    ...planRoutes(deps),
    ...subscriptionRoutes(deps),
    ...invoiceRoutes(deps),
    ...testClockRoutes(deps),
    ...exportRoutes(deps),
    ...incidentRoutes(deps),
    ...statusRoutes(deps),
    ...slaCalculatorRoutes(deps),
  };
}

export function missingHandlers(handlers: Handlers): OperationId[] {
  return operationIds.filter((id) => typeof handlers[id] !== 'function');
}

function hops(n: number) {
  return (_address: string, hop: number) => hop < n;
}

/** Builds the Fastify app from the spec. No I/O beyond what the store already opened. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const limits = opts.http ?? DEFAULT_HTTP_LIMITS;
  const app = Fastify({
    // Slow clients (slow-loris): Node gives headers 60 s and Fastify turns the request timeout off, so a
    // socket trickling bytes was held for ever. Node checks these every connectionsCheckingInterval
    // (30 s by default), which would stretch a short timeout, hence the interval follows the timeout.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(limits.headersTimeoutMs / 4))),
    },
    ...(opts.loggerInstance ? { loggerInstance: opts.loggerInstance } : { logger: opts.logger ?? false }),
    bodyLimit: 1024 * 1024,
    genReqId: requestIdGenerator(),
    requestIdHeader: false,
    // The router's and Node's refusals (a bad or too long URL, malformed HTTP) in problem+json too.
    frameworkErrors,
    clientErrorHandler,
    // Fastify takes a hop count at run time but its types do not: the same rule as a function.
    trustProxy: typeof opts.trustProxy === 'number' ? hops(opts.trustProxy) : (opts.trustProxy ?? false),
  });
  capConnectionsPerIp(app.server, limits.maxConnectionsPerIp);
  app.decorateRequest('auth', null);
  // Hooks on every request are callback-style where they never wait: an async hook costs a promise and a
  // microtask turn per request, which bench/api showed on the hot path.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('Prolope-Request-Id', req.id);
    done();
  });
  installProblemHandlers(app, methodsByPath(operationTable().values()));
  installValidators(app);
  // Only application/json bodies are read (Fastify's JSON parser, charset allowed); its default
  // text/plain parser would hand handlers a string where the schema expects an object.
  app.removeContentTypeParser('text/plain');
  installJsonParser(app);
  app.addHook('onRequest', refuseNulInUrl);
  // Before the rate limit and the routes: a preflight is answered before any route's auth or limit.
  await registerCors(app);
  const auth = opts.auth ?? createAuthenticator(opts.store.db, opts.clock);
  const limiter = await registerRateLimit(app, { perKey: opts.rateLimitPerSecond, perIp: opts.rateLimitPerIp ?? 20 }, auth);
  await registerDocs(app, { publicUrl: opts.publicUrl });

  // Handlers write through idem.db, whose transactions confirm the request's Idempotency-Key claim.
  const idem = opts.idempotency ?? idempotencyHooks(opts.store.db, opts.clock, opts.secrets);
  const deps: CallDeps = {
    db: idem.db,
    storeKind: opts.store.kind,
    events: opts.store.events,
    clock: opts.clock,
    version: opts.version,
    auth,
    activeCalls: opts.activeCalls ?? new ActiveCalls(),
    conferences: opts.conferences,
    promptPlaybacks: opts.promptPlaybacks ?? new PromptPlaybacks(),
    outbound: opts.outbound,
    recordings: opts.recordings ?? memoryRecordingStore(),
    exportFiles: opts.exportFiles ?? memoryRecordingStore(),
    publicUrl: opts.publicUrl,
    webhookPolicy: opts.webhookPolicy ?? urlPolicy({ development: true, webhookAllow: [] }),
    node: opts.node,
    remoteControl: opts.remoteControl,
    sip: opts.sip,
    secrets: opts.secrets,
  };
  // Before the routes: it adds the request-log hook every route must carry.
  await app.register(liveStreamsPlugin, { deps, limiter });
  const handlers = allHandlers(deps);
  const missing = missingHandlers(handlers);
  if (missing.length > 0) throw new Error(`operations in the spec without a handler: ${missing.join(', ')}`);
  const table = operationTable();

  // The glue's typings want full RouteOptions, but at run time it merges partial ones (handler and hooks).
  const resolver = (operationId: string) => {
    const op = table.get(operationId as OperationId);
    const handler = handlers[operationId as OperationId];
    if (!op || !handler) throw new Error(`operation ${operationId} is not in the table or has no handler`);
    // Auth runs on onRequest, before the body is parsed: an unauthenticated caller learns nothing about the schema.
    return {
      handler: routeHandler(handler, op.successStatus),
      ...(op.scopes ? { onRequest: [limiter.authenticated(deps.auth.hook(op.scopes)), standingGuard(op)] } : {}),
      ...(op.hasBody ? {} : { preParsing: refuseBody(op) }),
      ...(op.method === 'POST' && op.scopes ? { preHandler: idem.claim, onSend: idem.store } : {}),
    };
  };
  // Request bodies are read only as application/json (Fastify's own parser); any other type is 415.
  // The glue warns "ContentTypeParser for X not found" for every media type the spec names, response
  // types included (audio/wav, application/zip, text/html, application/problem+json are never request
  // bodies here), so a normal start would print four warnings that look like errors. It logs nothing
  // else at warn, so its scope logs errors only; routes still log through the app's logger.
  await app.register(async (scope) => {
    scope.log = scope.log.child({}, { level: 'error' });
    await scope.register(openapiGlue, {
      specification: structuredClone(openapiDocument),
      operationResolver: resolver as never,
    });
  });
  return app;
}
