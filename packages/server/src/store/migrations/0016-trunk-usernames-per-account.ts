import { type Kysely, type Migration, SqliteAdapter, sql } from 'kysely';

/**
 * SIP trunk digest usernames become unique per account instead of across Prolope: a global rule let
 * one tenant learn another's usernames from `409 sip_username_taken`. Inbound calls stay unambiguous:
 * a trunk is picked by source address and A-number first (a number belongs to one account), then by
 * username within that account.
 *
 * SQLite cannot drop the column's inline UNIQUE, so the table is rebuilt from its own stored CREATE
 * statement (so columns other migrations added survive) minus that UNIQUE, with its indexes recreated.
 */
export const trunkUsernamesPerAccount: Migration = {
  async up(db: Kysely<unknown>) {
    if (db.getExecutor().adapter instanceof SqliteAdapter) await rebuildSqlite(db, false);
    else {
      const { rows } = await sql<{ conname: string }>`
        select c.conname from pg_constraint c
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
        where c.conrelid = 'sip_trunks'::regclass and c.contype = 'u' and a.attname = 'username' and array_length(c.conkey, 1) = 1`.execute(db);
      for (const { conname } of rows) await sql`alter table sip_trunks drop constraint ${sql.id(conname)}`.execute(db);
    }
    await db.schema.createIndex('sip_trunks_account_username').on('sip_trunks').columns(['account_id', 'username']).unique().execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('sip_trunks_account_username').execute();
    if (db.getExecutor().adapter instanceof SqliteAdapter) await rebuildSqlite(db, true);
    else await sql`alter table sip_trunks add constraint sip_trunks_username_key unique (username)`.execute(db);
  },
};

async function rebuildSqlite(db: Kysely<unknown>, unique: boolean): Promise<void> {
  const { rows } = await sql<{ type: string; name: string; sql: string | null }>`
    select type, name, sql from sqlite_master where tbl_name = 'sip_trunks' and sql is not null`.execute(db);
  const table = rows.find((r) => r.type === 'table')?.sql;
  if (!table) throw new Error('sip_trunks is missing');
  const column = /"username" text not null( unique)?/i;
  if (!column.test(table)) throw new Error(`sip_trunks: unexpected username column in ${table}`);
  const created = table
    .replace(/^create table "?sip_trunks"?/i, 'create table "sip_trunks_rebuilt"')
    .replace(column, unique ? '"username" text not null unique' : '"username" text not null');
  await sql.raw(created).execute(db);
  await sql`insert into sip_trunks_rebuilt select * from sip_trunks`.execute(db);
  await sql`drop table sip_trunks`.execute(db);
  await sql`alter table sip_trunks_rebuilt rename to sip_trunks`.execute(db);
  for (const index of rows.filter((r) => r.type === 'index' && r.name !== 'sip_trunks_account_username')) await sql.raw(index.sql!).execute(db);
}
