import { toKebab } from './names.js';
import type { OperationSpec } from './schema.js';

/**
 * Help text for each resource topic, e.g. `api-keys` → "API keys: create, list, retrieve, revoke".
 * Without it oclif would describe a topic with the summary of its first command.
 *
 * @example
 * ```ts
 * resourceTopics(operationTable)['api-keys']; // { description: 'API keys: create, list, retrieve, revoke' }
 * ```
 */
export function resourceTopics(table: Readonly<Record<string, OperationSpec>>): Record<string, { description: string }> {
  const actions = new Map<string, string[]>();
  for (const op of Object.values(table)) {
    const topic = toKebab(op.resource);
    actions.set(topic, [...(actions.get(topic) ?? []), toKebab(op.action)]);
  }
  return Object.fromEntries(
    [...actions].map(([topic, list]) => {
      const words = topic.replace(/-/g, ' ').replace(/\bapi\b/, 'API');
      const title = words.charAt(0).toUpperCase() + words.slice(1);
      return [topic, { description: `${title}: ${[...new Set(list)].sort().join(', ')}` }];
    }),
  );
}
