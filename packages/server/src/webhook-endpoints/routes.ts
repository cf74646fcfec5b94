import { generateSecret } from '@prolope/webhooks';
import { defineHandlers, type ReqWithId } from '../http/typed-handlers.js';
import { iso } from '../clock.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { newId } from '../ids.js';
import { authOf } from '../http/auth.js';
import { schemaDefaults } from '../http/contract.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { type EndpointRow, sealEndpointSecret, toEndpoint, withSecret } from './endpoint.js';
import { countEndpoints, findEndpoint, listEndpoints } from './store.js';
import { refusedUrl } from '../http/url-policy.js';

/** As many as Stripe allows: enough for every service of a customer, few enough that fan-out stays cheap. */
export const MAX_ENDPOINTS = 16;
/** Events are kept this long, so recovery reaches this far back. */
export const EVENT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

async function checkUrl(deps: Deps, url: string): Promise<void> {
  const why = await refusedUrl(url, deps.webhookPolicy);
  if (why) {
    throw new ProblemError(
      'webhook_url_not_allowed',
      `Prolope will not deliver to ${url}: ${why}. Use a public address; on a laptop run the server in development mode (prolope dev), or have the operator allow the block with PROLOPE_WEBHOOK_ALLOW.`,
      { param: '/body/url' },
    );
  }
}

async function endpointOf(deps: Deps, req: ReqWithId): Promise<EndpointRow> {
  const { id } = req.params;
  const row = await findEndpoint(deps.db, authOf(req).accountId, id);
  if (!row) throw notFound('webhook endpoint', id);
  return row;
}

export function webhookEndpointRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'webhookEndpoints.create': async (req) => {
      const accountId = authOf(req).accountId;
      const body = req.body;
      await checkUrl(deps, body.url);
      if ((await countEndpoints(deps.db, accountId)) >= MAX_ENDPOINTS) {
        throw new ProblemError(
          'too_many_webhook_endpoints',
          `An account may have ${MAX_ENDPOINTS} webhook endpoints; delete one you no longer use, or filter events on one endpoint.`,
        );
      }
      const now = iso(deps.clock.now());
      const status = body.status;
      const id = newId('webhookEndpoint', deps.clock.now());
      const secret = generateSecret();
      const row: EndpointRow = {
        id,
        account_id: accountId,
        url: body.url,
        description: body.description ?? null,
        enabled_events: JSON.stringify(body.enabled_events),
        status,
        disabled_reason: status === 'disabled' ? 'manual' : null,
        failing_since: null,
        secret_sealed: sealEndpointSecret(deps.secrets, id, secret),
        previous_secret_sealed: null,
        previous_secret_expires_at: null,
        created_at: now,
        updated_at: now,
      };
      // In a transaction, like every change: that is what confirms an Idempotency-Key claim (http/idempotency.ts).
      await deps.db.transaction().execute((tx) => tx.insertInto('webhook_endpoints').values(row).execute());
      return withSecret(row, secret);
    },
    'webhookEndpoints.list': async (req) => {
      const q = req.query;
      const rows = await listEndpoints(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toEndpoint) };
    },
    'webhookEndpoints.retrieve': async (req) => toEndpoint(await endpointOf(deps, req)),
    'webhookEndpoints.update': async (req) => {
      const row = await endpointOf(deps, req);
      const body = req.body;
      if (body.url !== undefined) await checkUrl(deps, body.url);
      const patch: Partial<EndpointRow> = { updated_at: iso(deps.clock.now()) };
      if (body.url !== undefined) patch.url = body.url;
      if (body.description !== undefined) patch.description = body.description;
      if (body.enabled_events !== undefined) patch.enabled_events = JSON.stringify(body.enabled_events);
      if (body.status !== undefined && body.status !== row.status) {
        patch.status = body.status;
        // Enabling starts afresh: the 5-day failure clock and the reason are cleared.
        patch.disabled_reason = body.status === 'disabled' ? 'manual' : null;
        patch.failing_since = null;
      }
      await deps.db.transaction().execute((tx) => tx.updateTable('webhook_endpoints').set(patch).where('id', '=', row.id).execute());
      return toEndpoint({ ...row, ...patch });
    },
    'webhookEndpoints.delete': async (req) => {
      const row = await endpointOf(deps, req);
      await deps.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('event_deliveries').where('endpoint_id', '=', row.id).execute();
        await tx.deleteFrom('webhook_endpoints').where('id', '=', row.id).execute();
      });
      return { id: row.id, object: 'webhook_endpoint' as const, deleted: true as const };
    },
    'webhookEndpoints.rotateSecret': async (req) => {
      const row = await endpointOf(deps, req);
      // The body is optional and validation fills defaults only into a body that is sent: the spec's value then.
      const keepFor = req.body?.previous_secret_expires_in ?? schemaDefaults.WebhookEndpointRotate.previous_secret_expires_in;
      const now = deps.clock.now();
      const secret = generateSecret();
      const patch = {
        secret_sealed: sealEndpointSecret(deps.secrets, row.id, secret),
        previous_secret_sealed: keepFor > 0 ? row.secret_sealed : null,
        previous_secret_expires_at: keepFor > 0 ? iso(new Date(now.getTime() + keepFor * 1000)) : null,
        updated_at: iso(now),
      };
      await deps.db.transaction().execute((tx) => tx.updateTable('webhook_endpoints').set(patch).where('id', '=', row.id).execute());
      return withSecret({ ...row, ...patch }, secret);
    },
    'webhookEndpoints.recover': async (req) => {
      const row = await endpointOf(deps, req);
      const since = new Date(req.body.since);
      const now = deps.clock.now();
      if (since.getTime() < now.getTime() - EVENT_RETENTION_DAYS * DAY_MS) {
        throw new ProblemError(
          'recover_since_too_old',
          `Events are kept ${EVENT_RETENTION_DAYS} days: recover from ${iso(new Date(now.getTime() - EVENT_RETENTION_DAYS * DAY_MS))} or later.`,
          {
            param: '/body/since',
          },
        );
      }
      if (row.status !== 'enabled') {
        throw new ProblemError('webhook_endpoint_disabled', `Endpoint ${row.id} is disabled: enable it first (PATCH status: enabled), then recover.`);
      }
      const result = await deps.db.transaction().execute((tx) =>
        tx
          .updateTable('event_deliveries')
          .set({ status: 'pending', attempts: 0, next_attempt_at: iso(now), locked_until: null, updated_at: iso(now) })
          .where('endpoint_id', '=', row.id)
          .where('status', 'in', ['failed', 'dropped'])
          .where('created_at', '>=', iso(since))
          .executeTakeFirst(),
      );
      return { object: 'webhook_endpoint_recovery' as const, endpoint_id: row.id, since: iso(since), scheduled: Number(result.numUpdatedRows) };
    },
  });
}
