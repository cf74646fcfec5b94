import type { Kysely, Migration } from 'kysely';

/**
 * Incidents with SLA clocks, their comments and the breaches already announced (one row per incident
 * and target, so `incident.sla_breached` goes out once), maintenance windows and outages (issue 7,
 * terms 6). Times are RFC 3339 text like everywhere else.
 */
export const incidents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('incidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('description_completed_at', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('opened_by', 'text', (c) => c.notNull())
      .addColumn('history', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('mitigated_at', 'text')
      .addColumn('resolved_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('operator_notes', 'text')
      .addColumn('outage_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('incidents_account').on('incidents').columns(['account_id', 'id']).execute();
    await db.schema.createIndex('incidents_status').on('incidents').columns(['status']).execute();
    await db.schema
      .createTable('incident_comments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('internal', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('incident_comments_incident').on('incident_comments').columns(['incident_id', 'id']).execute();
    await db.schema
      .createTable('incident_breaches')
      .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('notified_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('incident_breaches_pk', ['incident_id', 'target'])
      .execute();
    await db.schema
      .createTable('maintenance_windows')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('services', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('impact', 'text', (c) => c.notNull())
      .addColumn('emergency', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('announced_at', 'text', (c) => c.notNull())
      .addColumn('announced_in_time', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('maintenance_windows_time').on('maintenance_windows').columns(['starts_at']).execute();
    await db.schema
      .createTable('outages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('incident_id', 'text')
      .addColumn('description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('outages_service').on('outages').columns(['service', 'started_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['outages', 'maintenance_windows', 'incident_breaches', 'incident_comments', 'incidents']) await db.schema.dropTable(t).execute();
  },
};
