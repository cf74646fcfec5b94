import type { Command } from '@oclif/core';
import { BillingSimulate } from './commands/billing-simulate.js';
import { FlowsLint } from './commands/flows-lint.js';
import { FlowsTest } from './commands/flows-test.js';
import { CallTest } from './commands/call-test.js';
import { Dev } from './commands/dev.js';
import { Listen } from './commands/listen.js';
import { Login } from './commands/login.js';
import { Logout } from './commands/logout.js';
import { Phone } from './commands/phone.js';
import { LogsTail } from './commands/logs-tail.js';
import { Profiles } from './commands/profiles.js';
import { Trigger } from './commands/trigger.js';
import { Version } from './commands/version.js';
import { commandAliasesFor, commandIdFor, createOperationCommand } from './operation-command.js';
import { type OperationSpec, operationTable } from './schema.js';
import { resourceTopics } from './topics.js';

// oclif's command_not_found hook; bin/run.js points oclif at it in this module.
export { commandNotFound } from './not-found.js';

/**
 * One command per operation of the table, keyed by command id (`api-keys:create`). Alias ids
 * (`trunks:create`) are not keys: they live on the command class as oclif `aliases`.
 *
 * @throws Error when two operations map to the same command id or alias.
 * @example
 * ```ts
 * const generated = operationCommands(operationTable);
 * Object.keys(generated); // ['health:retrieve', 'accounts:list', …]
 * ```
 */
export function operationCommands(table: Readonly<Record<string, OperationSpec>>): Record<string, Command.Class> {
  const out: Record<string, Command.Class> = {};
  const owner = new Map<string, string>();
  for (const [operationId, op] of Object.entries(table)) {
    for (const id of [commandIdFor(op), ...commandAliasesFor(op)]) {
      const other = owner.get(id);
      if (other) throw new Error(`Operations ${operationId} and ${other} both map to the command prolope ${id.replaceAll(':', ' ')}`);
      owner.set(id, operationId);
    }
    out[commandIdFor(op)] = createOperationCommand(operationId, op);
  }
  return out;
}

const handWritten: Record<string, Command.Class> = {
  login: Login,
  logout: Logout,
  profiles: Profiles,
  dev: Dev,
  'call:test': CallTest,
  phone: Phone,
  listen: Listen,
  trigger: Trigger,
  'logs:tail': LogsTail,
  'billing:simulate': BillingSimulate,
  'flows:lint': FlowsLint,
  'flows:test': FlowsTest,
  version: Version,
};

function build(): Record<string, Command.Class> {
  const generated = operationCommands(operationTable);
  const generatedIds = Object.entries(generated).flatMap(([id, Cls]) => [id, ...(Cls.aliases ?? [])]);
  for (const id of Object.keys(handWritten)) {
    if (generatedIds.includes(id)) throw new Error(`The operation command prolope ${id.replaceAll(':', ' ')} clashes with a built-in command`);
  }
  return { ...handWritten, ...generated };
}

/**
 * Every `prolope` command, keyed by oclif command id (`:` between topic and command; shown as a
 * space). oclif finds this export through `oclif.commands` in package.json (explicit strategy).
 *
 * @example
 * ```ts
 * import { commands } from 'prolope/commands';
 * await commands['accounts:me']!.run(['--json']);
 * ```
 */
export const commands: Record<string, Command.Class> = build();

/**
 * Help text of each resource topic, merged into `oclif.topics` by `bin/run.js`.
 *
 * @example
 * ```ts
 * import { topics } from 'prolope/commands';
 * topics.contacts.description; // 'Contacts: create, delete, list, retrieve, update'
 * ```
 */
const generatedTopics = resourceTopics(operationTable);

export const topics: Record<string, { description: string }> = {
  ...generatedTopics,
  // `logs` has no REST operations, only the hand-written `logs tail`.
  logs: { description: "The account's API requests and events, live: tail" },
  // `billing` has no REST resource of its own (plans, invoices, … are topics), only `billing simulate`.
  billing: { description: 'Billing on a test clock: simulate' },
  // `flows` has the API's commands and the hand-written offline ones.
  flows: { description: `${generatedTopics.flows?.description ?? 'Flows'}; offline: lint, test` },
};
