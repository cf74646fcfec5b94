import type { Command } from '@oclif/core';
import { Dev } from './commands/dev.js';
import { Login } from './commands/login.js';
import { Logout } from './commands/logout.js';
import { Profiles } from './commands/profiles.js';
import { commandIdFor, createOperationCommand } from './operation-command.js';
import { type OperationSpec, operationTable } from './schema.js';
import { resourceTopics } from './topics.js';

/**
 * One command per operation of the table, keyed by command id (`api-keys:create`).
 *
 * @throws Error when two operations map to the same command id.
 * @example
 * ```ts
 * const generated = operationCommands(operationTable);
 * Object.keys(generated); // ['health:retrieve', 'accounts:list', …]
 * ```
 */
export function operationCommands(table: Readonly<Record<string, OperationSpec>>): Record<string, Command.Class> {
  const out: Record<string, Command.Class> = {};
  for (const [operationId, op] of Object.entries(table)) {
    const id = commandIdFor(op);
    if (out[id]) throw new Error(`Operations ${operationId} and ${(out[id] as { operationId?: string }).operationId} both map to the command ${id}`);
    out[id] = createOperationCommand(operationId, op);
  }
  return out;
}

const handWritten: Record<string, Command.Class> = { login: Login, logout: Logout, profiles: Profiles, dev: Dev };

function build(): Record<string, Command.Class> {
  const generated = operationCommands(operationTable);
  for (const id of Object.keys(handWritten)) {
    if (generated[id]) throw new Error(`The operation command ${id} clashes with a built-in command`);
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
export const topics: Record<string, { description: string }> = resourceTopics(operationTable);
