import { Args, Flags } from '@oclif/core';
import { ApiCommand } from '../api-command.js';
import { CliError } from '../errors.js';

/**
 * Reads one `--override path=value`: the value as JSON when it parses (`42`, `true`, `null`,
 * `"007"`, `{"a":1}`), else as the string it is (`+35929000001`, `busy`).
 *
 * @throws CliError `usage_error` when there is no `=` or no path.
 * @example
 * ```ts
 * parseOverride('data.object.to=+35929000001'); // ['data.object.to', '+35929000001']
 * parseOverride('data.object.duration_seconds=42'); // ['data.object.duration_seconds', 42]
 * ```
 */
export function parseOverride(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  const path = eq === -1 ? '' : text.slice(0, eq).trim();
  if (!path) throw new CliError('usage_error', `--override takes path=value, such as data.object.to=+35929000001; got "${text}"`);
  const raw = text.slice(eq + 1);
  try {
    return [path, JSON.parse(raw)];
  } catch {
    return [path, raw];
  }
}

interface TriggeredEvent {
  id: string;
  type: string;
  data: { object: { id: string; object?: string } };
}

/**
 * `prolope trigger <type>`: makes the server record a realistic sample event of that type (built
 * from the spec's schema, with `--override`s applied), which `listen`, `logs tail`, the SDK's stream
 * and the account's webhook endpoints then receive like any other event.
 *
 * @example
 * ```ts
 * await Trigger.run(['call.completed', '--override', 'data.object.to=+35929000001']);
 * ```
 */
export class Trigger extends ApiCommand {
  static override summary = 'Create a sample event of a type, for testing webhooks';
  static override description =
    'Calls POST /v1/events/trigger: the server builds a realistic event of <type> from the schema in the spec (marked "triggered": true), applies each --override to a field under data, checks the result against the schema, and records it like a real event: it goes to listen, logs tail, the live stream and the webhook endpoints whose filters match. `prolope event-types list` shows the types. Needs the events:write scope.';
  static override examples = [
    '<%= config.bin %> trigger call.completed',
    {
      description: 'Set fields of the sample; values are read as JSON when they parse, else as text.',
      command: '<%= config.bin %> trigger call.completed --override data.object.to=+35929000001 --override data.object.duration_seconds=42',
    },
  ];
  static override args = {
    type: Args.string({ description: 'The event type, e.g. call.completed.', required: true }),
  };
  static override flags = {
    override: Flags.string({ description: 'path=value for a field under data, e.g. data.object.to=+35929000001; repeatable.', multiple: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Trigger);
    const overrides = Object.fromEntries((flags.override ?? []).map(parseOverride));
    const { client } = this.connect(flags);
    const event = (await client.events.trigger({ type: args.type, ...(flags.override?.length ? { overrides } : {}) })) as TriggeredEvent;
    this.print(event, (e) => `Triggered ${e.type} ${e.id} (${e.data.object.object ?? 'object'} ${e.data.object.id})`);
  }
}
