import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as migrations from './migrations/index.js';

// Migrations are compiled into the bundle (not read from a folder at run time) so the built server
// and the tests run the same list; names sort in the order they were written.
const ordered: Record<string, Migration> = {
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
  '0013-secrets-at-rest': migrations.secretsAtRest,
};

const provider: MigrationProvider = { getMigrations: async () => ordered };

/** Brings the schema up to date; runs on every start. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({
    db,
    provider,
  }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
