import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { SecretBox } from '../secrets/secret-box.js';
import * as migrations from './migrations/index.js';

export interface MigrateOptions {
  /** The server key's box: a migration that seals stored secrets (0013) needs it when there are any. */
  secrets?: SecretBox | undefined;
}

// Migrations are compiled into the bundle (not read from a folder at run time) so the built server
// and the tests run the same list; names sort in the order they were written.
export function migrationList(opts: MigrateOptions = {}): Record<string, Migration> {
  return {
    '0001-initial': migrations.initial,
    '0002-numbers-trunks-ports': migrations.numbersTrunksPorts,
    '0003-calls': migrations.calls,
    '0004-recordings': migrations.recordings,
    '0005-call-legs': migrations.callLegs,
    '0006-webhooks': migrations.webhooks,
    '0007-call-status-callbacks': migrations.callStatusCallbacks,
    '0008-call-owner': migrations.callOwner,
    '0009-billing': migrations.billing,
    '0010-incidents': migrations.incidents,
    '0011-carriers': migrations.carriers,
    '0013-secrets-at-rest': migrations.secretsAtRest(opts.secrets),
    '0014-personal-keys': migrations.personalKeys,
    '0016-trunk-usernames-per-account': migrations.trunkUsernamesPerAccount,
    '0017-call-nodes': migrations.callNodes,
    '0018-call-status-subscriptions': migrations.callStatusSubscriptions,
    '0019-sip-users': migrations.sipUsers,
    '0020-audio-prompts': migrations.audioPrompts,
    '0021-voicemail': migrations.voicemail,
    '0022-number-routes': migrations.numberRoutes,
    '0023-ring-groups': migrations.ringGroups,
    '0024-call-handling': migrations.callHandling,
    '0025-sip-users-realm-index': migrations.sipUsersRealmIndex,
    '0027-flows': migrations.flows,
    '0028-call-flow-path': migrations.callFlowPath,
    '0029-recording-channels': migrations.recordingChannels,
  };
}

/** The migrator over the compiled list (tests use it to stop at an earlier version). */
export function migrator(db: Kysely<unknown>, opts: MigrateOptions = {}): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrationList(opts) };
  return new Migrator({ db, provider });
}

/** Brings the schema up to date; runs on every start. */
export async function migrateToLatest(db: Kysely<unknown>, opts: MigrateOptions = {}): Promise<void> {
  const { error, results } = await migrator(db, opts).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Brings the schema to one named migration, up or down (tests of a migration start from the one before it). */
export async function migrateTo(db: Kysely<unknown>, name: string, opts: MigrateOptions = {}): Promise<void> {
  const { error, results } = await migrator(db, opts).migrateTo(name);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
}
