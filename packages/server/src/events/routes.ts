import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { defineHandlers, type ReqWithId } from '../http/typed-handlers.js';
import { iso } from '../clock.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { newId } from '../ids.js';
import { authOf } from '../http/auth.js';
import { type EventMap, type EventType, eventTypes, type Schema } from '../http/contract.js';
import { limitOf, pageOf } from '../http/pagination.js';
import type { EventAttemptsTable } from '../store/schema.js';
import { findEndpoint } from '../webhook-endpoints/service.js';
import { eventCatalog } from './catalog.js';
import { matchesAny } from './filters.js';
import { recordEvent } from './outbox.js';
import { sampleOf, setPath } from './sample.js';
import { findEvent, listAttempts, listEvents } from './store.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
function validatorFor(type: string, schema: object) {
  const known = validators.get(type);
  if (known) return known;
  const validate = ajv.compile(schema);
  validators.set(type, validate);
  return validate;
}

const isEventType = (type: string): type is EventType => (eventTypes as readonly string[]).includes(type);

/** The event as stored: its payload is exactly what deliveries send. */
const eventOf = (row: { payload: string }) => JSON.parse(row.payload) as Schema<'Event'>;

function toEventAttempt(a: EventAttemptsTable): Schema<'EventAttempt'> {
  return {
    id: a.id,
    object: 'event_attempt',
    event_id: a.event_id,
    endpoint_id: a.endpoint_id,
    attempt: a.attempt,
    status: a.status as Schema<'EventAttempt'>['status'],
    response_status: a.response_status,
    latency_ms: a.latency_ms,
    response_snippet: a.response_snippet,
    error: a.error,
    next_attempt_at: a.next_attempt_at,
    created_at: a.created_at,
  };
}

async function eventFor(deps: Deps, req: ReqWithId) {
  const { id } = req.params;
  const row = await findEvent(deps.db, authOf(req).accountId, id);
  if (!row) throw notFound('event', id);
  return row;
}

function websocketOnly(path: string): never {
  throw new ProblemError(
    'websocket_required',
    `${path} is a WebSocket: connect with an upgrade request (the SDK's events.stream(), prolope listen or prolope logs tail).`,
    {
      headers: { upgrade: 'websocket' },
    },
  );
}

export function eventRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'events.list': async (req) => {
      const q = req.query;
      const filters = {
        type: q.type,
        objectId: q.object_id,
        createdGte: q.created_gte ? iso(new Date(q.created_gte)) : undefined,
        createdLt: q.created_lt ? iso(new Date(q.created_lt)) : undefined,
      };
      const rows = await listEvents(deps.db, authOf(req).accountId, filters, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(eventOf) };
    },
    'events.retrieve': async (req) => eventOf(await eventFor(deps, req)),
    'events.attempts': async (req) => {
      const event = await eventFor(deps, req);
      const q = req.query;
      const rows = await listAttempts(deps.db, event.id, q.endpoint_id, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return {
        ...page,
        data: page.data.map(toEventAttempt),
      };
    },
    'events.resend': async (req) => {
      const event = await eventFor(deps, req);
      const endpointId = req.body?.endpoint_id;
      let targets: string[];
      if (endpointId) {
        const endpoint = await findEndpoint(deps.db, event.account_id, endpointId);
        if (!endpoint) throw notFound('webhook endpoint', endpointId);
        if (endpoint.status !== 'enabled')
          throw new ProblemError('webhook_endpoint_disabled', `Endpoint ${endpointId} is disabled: enable it first (PATCH status: enabled).`);
        targets = [endpoint.id];
      } else {
        const endpoints = await deps.db
          .selectFrom('webhook_endpoints')
          .select(['id', 'enabled_events'])
          .where('account_id', '=', event.account_id)
          .where('status', '=', 'enabled')
          .execute();
        targets = endpoints.filter((e) => matchesAny(JSON.parse(e.enabled_events) as string[], event.type)).map((e) => e.id);
      }
      const now = deps.clock.now();
      if (targets.length > 0) {
        await deps.db.transaction().execute((tx) =>
          tx
            .insertInto('event_deliveries')
            .values(
              targets.map((endpoint) => ({
                id: newId('delivery', now),
                account_id: event.account_id,
                event_id: event.id,
                endpoint_id: endpoint,
                status: 'pending',
                attempts: 0,
                next_attempt_at: iso(now),
                locked_until: null,
                created_at: iso(now),
                updated_at: iso(now),
              })),
            )
            .execute(),
        );
      }
      return { object: 'event_resend' as const, event_id: event.id, scheduled: targets.length };
    },
    'eventTypes.list': async () => ({ object: 'list' as const, data: [...eventCatalog().values()], has_more: false as const, next_cursor: null }),
    'events.trigger': async (req) => {
      const accountId = authOf(req).accountId;
      const body = req.body;
      const type = body.type;
      const info = isEventType(type) ? eventCatalog().get(type) : undefined;
      if (!isEventType(type) || !info) {
        throw new ProblemError('unknown_event_type', `"${body.type}" is not an event type. GET /v1/event-types lists them (e.g. call.completed).`, {
          param: '/body/type',
        });
      }
      const now = deps.clock.now();
      const sample = sampleOf(info.schema, now) as Record<string, unknown>;
      const id = newId('event', now);
      Object.assign(sample, { id, object: 'event', type: body.type, created_at: iso(now), account_id: accountId, triggered: true });
      setPath(sample, 'data.object.account_id', accountId);
      for (const [path, value] of Object.entries(body.overrides ?? {})) {
        if (!path.startsWith('data.')) {
          throw new ProblemError('invalid_event_override', `Only fields under data can be overridden; "${path}" is part of the envelope.`, {
            param: `/body/overrides/${path}`,
          });
        }
        setPath(sample, path, value);
      }
      const validate = validatorFor(body.type, info.schema);
      if (!validate(sample)) {
        const errors = (validate.errors ?? []).map((e) => ({
          param: `/body/overrides${e.instancePath}`,
          message: `${e.instancePath || 'event'} ${e.message ?? 'is not valid'}`,
        }));
        throw new ProblemError('invalid_event_override', `The overrides make the ${body.type} sample invalid: ${errors.map((e) => e.message).join('; ')}.`, {
          errors,
        });
      }
      // The sample was just validated against the event type's schema (above).
      const { object, ...extra } = sample.data as EventMap[typeof type]['data'];
      const eventId = await deps.db.transaction().execute((tx) => recordEvent(tx, { accountId, type, object, data: extra, at: now, triggered: true }));
      const row = await findEvent(deps.db, accountId, eventId);
      return eventOf(row as { payload: string });
    },
    'events.stream': async () => websocketOnly('/v1/events/stream'),
    'logs.stream': async () => websocketOnly('/v1/logs/stream'),
  });
}
