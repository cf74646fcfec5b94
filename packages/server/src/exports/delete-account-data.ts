import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { quarantineEnd } from '../numbers/quarantine.js';
import { recordingKey } from '../store/object-store.js';
import type { Tx } from '../store/db.js';
import { audioKey } from '../audio/view.js';
import { exportKey } from './store.js';

/**
 * Removes the account's files (recordings' WAV, audio prompts, export archives); returns how many keys it removed.
 * Ids come from the recordings and exports tables, so call it before deleteAccountRows (or in the same
 * run, before its transaction commits). Removing a missing file is not an error: safe to repeat.
 */
export async function deleteAccountFiles(deps: Pick<Deps, 'db' | 'recordings' | 'exportFiles'>, accountId: string): Promise<number> {
  let removed = 0;
  const recordings = await deps.db.selectFrom('recordings').select('id').where('account_id', '=', accountId).execute();
  for (const { id } of recordings) {
    const key = recordingKey(accountId, id);
    if ((await deps.recordings.get(key)) === undefined) continue;
    await deps.recordings.delete(key);
    removed++;
  }
  const prompts = await deps.db.selectFrom('audio_prompts').select('id').where('account_id', '=', accountId).execute();
  for (const { id } of prompts) {
    const key = audioKey(accountId, id);
    if ((await deps.recordings.get(key)) === undefined) continue;
    await deps.recordings.delete(key);
    removed++;
  }
  const exports = await deps.db.selectFrom('exports').select('id').where('account_id', '=', accountId).execute();
  for (const { id } of exports) {
    const key = exportKey(accountId, id);
    if ((await deps.exportFiles.get(key)) === undefined) continue;
    await deps.exportFiles.delete(key);
    removed++;
  }
  return removed;
}

/** What deleteAccountRows leaves to the law: the Accounting Act keeps accounting documents 10 years. */
export const KEPT_TABLES = ['invoices', 'invoice_lines', 'payments', 'credit_notes'] as const;

/**
 * Deletes the account's rows in the caller's transaction, except what accounting law keeps (invoices,
 * their lines, payments, credit notes: terms 14.3 "except where retention is required by law") and a
 * scrubbed account row (invoices refer to it; they carry their own buyer snapshot). Returns the rows
 * changed per table (deleted; for phone_numbers, released; for accounts, scrubbed). Children go before
 * their parents (foreign keys). Safe to repeat: a second run changes only the account row again.
 *
 * - Phone numbers are the operator's inventory: they are released as `numbers.release` does (no holder,
 *   settings cleared, 30-day quarantine), not deleted.
 * - Test plans and test clocks the account owns go, unless another account still uses them (a
 *   subscription on the plan; a test subaccount attached to the clock).
 * - `data_deleted_at` is the caller's to set (it knows the billing day); the key cache is too
 *   (deps.auth.invalidateAccount after commit), since the API keys are deleted here.
 *
 * `now` dates the numbers' quarantine and the account's updated_at; the server's time by default.
 */
export async function deleteAccountRows(tx: Tx, accountId: string, now: Date = new Date()): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const n = (result: { numDeletedRows?: bigint; numUpdatedRows?: bigint } | undefined) => Number(result?.numDeletedRows ?? result?.numUpdatedRows ?? 0);

  // Webhook bookkeeping first: attempts and deliveries point at events and endpoints. Another account's
  // rows cannot point at this account's events or endpoints, but match them by reference too, to be sure.
  const events = tx.selectFrom('events').select('id').where('account_id', '=', accountId);
  const endpoints = tx.selectFrom('webhook_endpoints').select('id').where('account_id', '=', accountId);
  counts.event_attempts = n(
    await tx
      .deleteFrom('event_attempts')
      .where((eb) => eb.or([eb('account_id', '=', accountId), eb('event_id', 'in', events), eb('endpoint_id', 'in', endpoints)]))
      .executeTakeFirst(),
  );
  counts.event_deliveries = n(
    await tx
      .deleteFrom('event_deliveries')
      .where((eb) => eb.or([eb('account_id', '=', accountId), eb('event_id', 'in', events), eb('endpoint_id', 'in', endpoints)]))
      .executeTakeFirst(),
  );
  counts.events = n(await tx.deleteFrom('events').where('account_id', '=', accountId).executeTakeFirst());
  counts.webhook_endpoints = n(await tx.deleteFrom('webhook_endpoints').where('account_id', '=', accountId).executeTakeFirst());
  // Status callbacks of the account's calls (their deliveries went with the account's above).
  counts.call_subscriptions = n(await tx.deleteFrom('call_subscriptions').where('account_id', '=', accountId).executeTakeFirst());

  counts.recordings = n(await tx.deleteFrom('recordings').where('account_id', '=', accountId).executeTakeFirst());
  counts.calls = n(await tx.deleteFrom('calls').where('account_id', '=', accountId).executeTakeFirst());

  counts.port_documents = n(await tx.deleteFrom('port_documents').where('account_id', '=', accountId).executeTakeFirst());
  counts.number_ports = n(await tx.deleteFrom('number_ports').where('account_id', '=', accountId).executeTakeFirst());

  counts.phone_numbers = n(
    await tx
      .updateTable('phone_numbers')
      .set({
        account_id: null,
        status: 'quarantined',
        quarantined_until: quarantineEnd(now),
        source: null,
        purchased_at: null,
        friendly_name: null,
        voice: null,
        sip_trunk_id: null,
        forwarding: null,
        route: null,
        updated_at: iso(now),
      })
      .where('account_id', '=', accountId)
      .executeTakeFirst(),
  );
  counts.sip_trunks = n(await tx.deleteFrom('sip_trunks').where('account_id', '=', accountId).executeTakeFirst());
  // Revisions before their flows (foreign key).
  counts.flow_revisions = n(await tx.deleteFrom('flow_revisions').where('account_id', '=', accountId).executeTakeFirst());
  counts.flows = n(await tx.deleteFrom('flows').where('account_id', '=', accountId).executeTakeFirst());
  counts.ring_groups = n(await tx.deleteFrom('ring_groups').where('account_id', '=', accountId).executeTakeFirst());
  counts.schedules = n(await tx.deleteFrom('schedules').where('account_id', '=', accountId).executeTakeFirst());
  counts.sip_registrations = n(await tx.deleteFrom('sip_registrations').where('account_id', '=', accountId).executeTakeFirst());
  counts.sip_users = n(await tx.deleteFrom('sip_users').where('account_id', '=', accountId).executeTakeFirst());
  counts.account_audio_settings = n(await tx.deleteFrom('account_audio_settings').where('account_id', '=', accountId).executeTakeFirst());
  counts.audio_prompts = n(await tx.deleteFrom('audio_prompts').where('account_id', '=', accountId).executeTakeFirst());

  counts.contacts = n(await tx.deleteFrom('contacts').where('account_id', '=', accountId).executeTakeFirst());
  counts.api_keys = n(await tx.deleteFrom('api_keys').where('account_id', '=', accountId).executeTakeFirst());
  counts.idempotency_keys = n(await tx.deleteFrom('idempotency_keys').where('account_id', '=', accountId).executeTakeFirst());

  const subscriptions = tx.selectFrom('subscriptions').select('id').where('account_id', '=', accountId);
  counts.price_changes = n(
    await tx
      .deleteFrom('price_changes')
      .where((eb) => eb.or([eb('account_id', '=', accountId), eb('subscription_id', 'in', subscriptions)]))
      .executeTakeFirst(),
  );
  counts.subscriptions = n(await tx.deleteFrom('subscriptions').where('account_id', '=', accountId).executeTakeFirst());
  counts.plans = n(
    await tx
      .deleteFrom('plans')
      .where('owner_account_id', '=', accountId)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('subscriptions').select('subscriptions.id').whereRef('subscriptions.plan_id', '=', 'plans.id'))))
      .executeTakeFirst(),
  );
  counts.test_clocks = n(
    await tx
      .deleteFrom('test_clocks')
      .where('account_id', '=', accountId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('accounts').select('accounts.id').whereRef('accounts.test_clock_id', '=', 'test_clocks.id').where('accounts.id', '!=', accountId),
          ),
        ),
      )
      .executeTakeFirst(),
  );
  counts.exports = n(await tx.deleteFrom('exports').where('account_id', '=', accountId).executeTakeFirst());

  const account = await tx.selectFrom('accounts').select(['legal_entity', 'signatory']).where('id', '=', accountId).executeTakeFirst();
  if (account) {
    const entity = JSON.parse(account.legal_entity) as { type?: unknown; country?: unknown };
    const signed = JSON.parse(account.signatory) as { confirmed_at?: unknown };
    // The row stays a valid Account (GET /v1/accounts/{id} still answers for the parent and the operator):
    // names and addresses go; the type, the country and when the terms were accepted are no personal data.
    const signatory = {
      name: 'Deleted',
      email: 'deleted@deleted.invalid',
      confirmed_age_18_or_over: true,
      confirmed_authority: true,
      confirmed_at: signed.confirmed_at,
    };
    counts.accounts = n(
      await tx
        .updateTable('accounts')
        .set({
          name: 'Deleted account',
          signatory: JSON.stringify(signatory),
          metadata: '{}',
          legal_entity: JSON.stringify({ type: entity.type, legal_name: 'Deleted account', country: entity.country }),
          updated_at: iso(now),
        })
        .where('id', '=', accountId)
        .executeTakeFirst(),
    );
  } else {
    counts.accounts = 0;
  }
  return counts;
}
