import { resourceWords, toKebab } from './names.js';
import { cliSpec, type OperationSpec } from './schema.js';

function actionList(actions: readonly string[]): string {
  return [...new Set(actions)].sort().join(', ');
}

/**
 * Help text for each resource topic, e.g. `api-keys` → "API keys: create, list, retrieve, revoke".
 * Without it oclif would describe a topic with the summary of its first command. A topic alias from
 * the spec (`trunks` for `sip-trunks`) gets a topic of its own that says what it stands for, and the
 * resource's topic names its aliases, so both read sensibly in `prolope --help`.
 *
 * @throws Error when an alias is the name of a resource topic.
 * @example
 * ```ts
 * resourceTopics(operationTable)['api-keys']; // { description: 'API keys: create, list, retrieve, revoke' }
 * resourceTopics(operationTable)['trunks']; // { description: 'Same as sip-trunks: capacity, create, list, retrieve, update' }
 * ```
 */
export function resourceTopics(table: Readonly<Record<string, OperationSpec>>): Record<string, { description: string }> {
  const actions = new Map<string, string[]>();
  const aliases = new Map<string, { topic: string; actions: string[] }>();
  for (const op of Object.values(table)) {
    const topic = toKebab(op.resource);
    actions.set(topic, [...(actions.get(topic) ?? []), toKebab(op.action)]);
    for (const alias of cliSpec(op).aliases.map(toKebab)) {
      const entry = aliases.get(alias) ?? { topic, actions: [] };
      if (entry.topic !== topic) throw new Error(`The topic alias ${alias} stands for both ${entry.topic} and ${topic}`);
      entry.actions.push(toKebab(op.action));
      aliases.set(alias, entry);
    }
  }
  const out: Record<string, { description: string }> = {};
  for (const [topic, list] of actions) {
    const words = resourceWords(topic);
    const own = [...aliases].filter(([, a]) => a.topic === topic).map(([name]) => name);
    const also = own.length ? ` (also: ${own.join(', ')})` : '';
    out[topic] = { description: `${words.charAt(0).toUpperCase()}${words.slice(1)}: ${actionList(list)}${also}` };
  }
  for (const [alias, { topic, actions: list }] of aliases) {
    if (actions.has(alias)) throw new Error(`The topic alias ${alias} is the name of a resource`);
    out[alias] = { description: `Same as ${topic}: ${actionList(list)}` };
  }
  return out;
}
