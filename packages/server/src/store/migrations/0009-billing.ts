import type { Kysely, Migration } from 'kysely';

// Money columns are integers of minor units (PostgreSQL integer: up to 21 million in major units,
// which the spec's MinorAmount bounds; bigint would come back from pg as a string);
// dates of terms 7 are Sofia calendar dates as `YYYY-MM-DD` text.
type Db = Kysely<unknown>;

async function accountColumns(db: Db) {
  // One statement per column: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('accounts').addColumn('test_clock_id', 'text').execute();
  await db.schema
    .alterTable('accounts')
    .addColumn('hold_suspension', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('accounts')
    .addColumn('hold_termination', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('accounts').addColumn('terminated_on', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('billed_through', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('data_deleted_at', 'text').execute();
}

/**
 * Billing (issue 6, terms 7 and 13): plans, subscriptions and their CPI price changes, invoices with
 * lines, payments, credit notes, test clocks, exports, the operator's calendar overrides, and
 * per-series counters for consecutive invoice numbers.
 */
export const billing: Migration = {
  async up(db: Db) {
    await accountColumns(db);
    await db.schema
      .createTable('plans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_account_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('setup_fee', 'integer', (c) => c.notNull())
      .addColumn('fee', 'integer', (c) => c.notNull())
      .addColumn('interval', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('setup_fee', 'integer', (c) => c.notNull())
      .addColumn('fee', 'integer', (c) => c.notNull())
      .addColumn('interval', 'text', (c) => c.notNull())
      .addColumn('protocol_signed_on', 'text')
      .addColumn('first_used_on', 'text')
      .addColumn('activated_on', 'text')
      .addColumn('setup_invoiced', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('current_period_start', 'text')
      .addColumn('current_period_end', 'text')
      .addColumn('cancel_at', 'text')
      .addColumn('canceled_on', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('subscriptions_account').on('subscriptions').columns(['account_id', 'id']).execute();
    await db.schema
      .createTable('price_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
      .addColumn('cpi_index', 'text', (c) => c.notNull())
      .addColumn('old_fee', 'integer', (c) => c.notNull())
      .addColumn('new_fee', 'integer', (c) => c.notNull())
      .addColumn('notice_on', 'text', (c) => c.notNull())
      .addColumn('effective_on', 'text', (c) => c.notNull())
      .addColumn('applied', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('price_changes_subscription').on('price_changes').columns(['subscription_id', 'id']).execute();
    await db.schema
      .createTable('invoices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('subscription_id', 'text')
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('issue_date', 'text', (c) => c.notNull())
      .addColumn('due_date', 'text', (c) => c.notNull())
      .addColumn('subtotal', 'integer', (c) => c.notNull())
      .addColumn('vat_case', 'text', (c) => c.notNull())
      .addColumn('vat_rate_basis_points', 'integer', (c) => c.notNull())
      .addColumn('vat', 'integer', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('amount_paid', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('amount_credited', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('vat_note', 'text')
      .addColumn('buyer', 'text', (c) => c.notNull())
      .addColumn('overdue_since', 'text')
      .addColumn('paid_on', 'text')
      .addColumn('penalty_invoiced', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('invoices_account').on('invoices').columns(['account_id', 'id']).execute();
    await db.schema.createIndex('invoices_open').on('invoices').columns(['status', 'due_date']).execute();
    await db.schema
      .createTable('invoice_lines')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull())
      .addColumn('unit_amount', 'integer', (c) => c.notNull())
      .addColumn('amount', 'integer', (c) => c.notNull())
      .addColumn('period_start', 'text')
      .addColumn('period_end', 'text')
      .addColumn('source_invoice_id', 'text')
      .execute();
    await db.schema.createIndex('invoice_lines_invoice').on('invoice_lines').columns(['invoice_id', 'position']).execute();
    await db.schema
      .createTable('payments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
      .addColumn('amount', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('received_on', 'text', (c) => c.notNull())
      .addColumn('reference', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('payments_account').on('payments').columns(['account_id', 'id']).execute();
    await db.schema.createIndex('payments_invoice').on('payments').columns(['invoice_id']).execute();
    await db.schema
      .createTable('credit_notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('amount', 'integer', (c) => c.notNull())
      .addColumn('subtotal', 'integer', (c) => c.notNull())
      .addColumn('vat', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('issue_date', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('credit_notes_account').on('credit_notes').columns(['account_id', 'id']).execute();
    await db.schema
      .createTable('billing_counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('test_clocks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text')
      .addColumn('frozen_time', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('test_clocks_account').on('test_clocks').columns(['account_id', 'id']).execute();
    await db.schema
      .createTable('exports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull())
      .addColumn('files', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('exports_account').on('exports').columns(['account_id', 'id']).execute();
    await db.schema
      .createTable('calendar_overrides')
      .addColumn('date', 'text', (c) => c.primaryKey())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Db) {
    for (const t of [
      'calendar_overrides',
      'exports',
      'test_clocks',
      'billing_counters',
      'credit_notes',
      'payments',
      'invoice_lines',
      'invoices',
      'price_changes',
      'subscriptions',
      'plans',
    ]) {
      await db.schema.dropTable(t).execute();
    }
    for (const c of ['data_deleted_at', 'billed_through', 'terminated_on', 'hold_termination', 'hold_suspension', 'test_clock_id']) {
      await db.schema.alterTable('accounts').dropColumn(c).execute();
    }
  },
};
