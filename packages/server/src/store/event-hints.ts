import {
  ColumnNode,
  InsertQueryNode,
  type KyselyPlugin,
  type OperationNode,
  PrimitiveValueListNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  ValueListNode,
  ValueNode,
  ValuesNode,
} from 'kysely';
import type { EventBus } from './event-bus.js';

/**
 * A Kysely plugin that hints the store's event bus with the account of every row inserted into
 * `events`, once the INSERT has run. Why a plugin: recordEvent is called from some 27 files with only
 * a transaction in hand, and a Kysely instance's plugins carry into its transactions (and into
 * `withPlugin` copies such as the idempotency wrapper), so every write through this store hints this
 * store's bus and no other, without a bus argument threaded through every domain.
 */
export function eventHints(bus: EventBus): KyselyPlugin {
  // The accounts an INSERT into events carries, until its result says it ran.
  const pending = new WeakMap<object, string[]>();
  return {
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      if (InsertQueryNode.is(node) && node.into?.table.identifier.name === 'events') {
        const accounts = insertedAccounts(node);
        if (accounts.length > 0) pending.set(queryId, accounts);
      }
      return node;
    },
    async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const accounts = pending.get(queryId);
      if (accounts) {
        pending.delete(queryId);
        for (const account of accounts) bus.recorded(account);
      }
      return result;
    },
  };
}

/** The distinct `account_id` values of an INSERT ... VALUES node (Kysely builds one from `.values()`). */
function insertedAccounts(node: InsertQueryNode): string[] {
  const at = node.columns?.findIndex((c) => ColumnNode.is(c) && c.column.name === 'account_id') ?? -1;
  if (at < 0 || !node.values || !ValuesNode.is(node.values)) return [];
  const accounts = new Set<string>();
  for (const row of node.values.values) {
    const value = PrimitiveValueListNode.is(row) ? row.values[at] : ValueListNode.is(row) ? literalOf(row.values[at]) : undefined;
    if (typeof value === 'string') accounts.add(value);
  }
  return [...accounts];
}

function literalOf(node: OperationNode | undefined): unknown {
  return node && ValueNode.is(node) ? node.value : undefined;
}
