import type { Schema } from '../http/contract.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { WebhookEndpointsTable } from '../store/schema.js';

export type EndpointRow = WebhookEndpointsTable;

/** The endpoint as the API shows it; the secret only when it was just made (create, rotate). */
export function toEndpoint(row: EndpointRow): Schema<'WebhookEndpoint'> {
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

/** The endpoint with the secret just made (create, rotate): the one answer that shows it. */
export function withSecret(row: EndpointRow, secret: string) {
  return { ...toEndpoint(row), secret };
}

/**
 * Signing secrets are kept sealed with the server key (secrets/secret-box.ts): Prolope must read them
 * back to sign, so a hash would not do. Current and previous share the endpoint's context, so a
 * rotation moves the sealed current secret to previous as it is.
 */
function secretContext(endpointId: string): string {
  return `webhook_endpoint:${endpointId}:signing_secret`;
}

export function sealEndpointSecret(secrets: SecretBox, endpointId: string, secret: string): string {
  return secrets.seal(secret, secretContext(endpointId));
}

/** The secrets that sign a delivery at `now`: the current one, and the previous one during a rotation. */
export function signingSecrets(
  row: Pick<EndpointRow, 'id' | 'secret_sealed' | 'previous_secret_sealed' | 'previous_secret_expires_at'>,
  now: Date,
  secrets: SecretBox,
): string[] {
  const current = secrets.open(row.secret_sealed, secretContext(row.id));
  const previousValid = row.previous_secret_sealed && row.previous_secret_expires_at && new Date(row.previous_secret_expires_at) > now;
  return previousValid ? [current, secrets.open(row.previous_secret_sealed as string, secretContext(row.id))] : [current];
}
