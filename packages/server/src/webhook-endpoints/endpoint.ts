import type { WebhookEndpointsTable } from '../store/schema.js';

export type EndpointRow = WebhookEndpointsTable;

/** The endpoint as the API shows it; the secret only when it was just made (create, rotate). */
export function toEndpoint(row: EndpointRow) {
  return {
    id: row.id,
    object: 'webhook_endpoint' as const,
    account_id: row.account_id,
    url: row.url,
    description: row.description,
    enabled_events: JSON.parse(row.enabled_events) as string[],
    status: row.status as 'enabled' | 'disabled',
    disabled_reason: row.disabled_reason as 'manual' | 'gone' | 'failing' | null,
    failing_since: row.failing_since,
    previous_secret_expires_at: row.previous_secret_expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function withSecret(row: EndpointRow) {
  return { ...toEndpoint(row), secret: row.secret };
}

/** The secrets that sign a delivery at `now`: the current one, and the previous one during a rotation. */
export function signingSecrets(row: Pick<EndpointRow, 'secret' | 'previous_secret' | 'previous_secret_expires_at'>, now: Date): string[] {
  const previousValid = row.previous_secret && row.previous_secret_expires_at && new Date(row.previous_secret_expires_at) > now;
  return previousValid ? [row.secret, row.previous_secret as string] : [row.secret];
}
