import type { Kysely, Migration } from 'kysely';

/**
 * The IVR flow a call ran (issue 18 item 6): `calls.flow` holds `{flow_id, revision, path}` as the API's
 * JSON, written as the call moves through the flow, so `GET /v1/calls/{id}` shows where a caller went
 * (and where callers drop out). Null for calls that ran no flow.
 */
export const callFlowPath: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').addColumn('flow', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').dropColumn('flow').execute();
  },
};
