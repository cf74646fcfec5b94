import { writeFile } from 'node:fs/promises';
import { type Command, Flags, type Interfaces } from '@oclif/core';
import type { LooseRequestParams, OperationId } from '@prolope/sdk';
import { ApiCommand } from './api-command.js';
import { wideFlag } from './base-command.js';
import { CliError } from './errors.js';
import { toKebab } from './names.js';
import { offline, offlineByDefault, runOffline } from './offline.js';
import { DEFAULT_MAX_ITEMS, type OperationInterface, operationInterface } from './operation-flags.js';
import { writeBytes } from './output.js';
import { fetchAll, type Page } from './paginate.js';
import { type Download, type Layout, renderDownload, renderList, renderObject } from './render.js';
import { requestParams } from './request-params.js';
import { cliSpec, type OperationSpec } from './schema.js';

/**
 * The oclif command id of an operation: resource and action in kebab-case, joined by `:`
 * (shown with a space: `prolope api-keys create`).
 *
 * @example
 * ```ts
 * commandIdFor({ resource: 'apiKeys', action: 'create' }); // 'api-keys:create'
 * ```
 */
export function commandIdFor(op: Pick<OperationSpec, 'resource' | 'action'>): string {
  return `${toKebab(op.resource)}:${toKebab(op.action)}`;
}

/**
 * The other command ids of an operation: each topic alias the spec gives its resource, with the action
 * and each of its aliases (`x-cli-action-aliases`).
 *
 * @example
 * ```ts
 * commandAliasesFor(operationTable['sipTrunks.create']!); // ['trunks:create']
 * commandAliasesFor(operationTable['incidents.acknowledge']!); // ['incidents:ack']
 * ```
 */
export function commandAliasesFor(op: Pick<OperationSpec, 'resource' | 'action' | 'cli'>): string[] {
  const cli = cliSpec(op);
  const actions = [op.action, ...(cli.actionAliases ?? [])].map(toKebab);
  const resources = [op.resource, ...cli.aliases].map(toKebab);
  const own = `${toKebab(op.resource)}:${toKebab(op.action)}`;
  return resources.flatMap((r) => actions.map((a) => `${r}:${a}`)).filter((id) => id !== own);
}

/**
 * A command class generated from the operation table; `operationId` names the operation it calls.
 *
 * @example
 * ```ts
 * const Cls: OperationCommandClass = createOperationCommand('contacts.list', operationTable['contacts.list']!);
 * Cls.operationId; // 'contacts.list'
 * ```
 */
export type OperationCommandClass = Command.Class & { readonly operationId: string };

type Parsed = Record<string, unknown>;

function isPage(value: unknown): value is Page {
  return typeof value === 'object' && value !== null && Array.isArray((value as Page).data);
}

/**
 * The type of the file an operation answers (`audio/wav` for `recordings.media`), or undefined
 * when it answers JSON. Read loosely: hand-written table rows may not say.
 *
 * @example
 * ```ts
 * downloadType(operationTable['recordings.media']!); // 'audio/wav'
 * downloadType(operationTable['recordings.retrieve']!); // undefined
 * ```
 */
export function downloadType(op: OperationSpec): string | undefined {
  const row = op as OperationSpec & { responseType?: string; responseContentType?: string | null };
  return row.responseType === 'binary' ? (row.responseContentType ?? 'application/octet-stream') : undefined;
}

function describeOperation(op: OperationSpec, cli: OperationInterface): string {
  // The spec wraps prose at fixed columns; let the terminal wrap it instead (blank lines stay).
  const prose = op.description.trim().replace(/([^\n])\n(?!\n)/g, '$1 ');
  const lines = prose ? [prose, ''] : [];
  lines.push(`Calls ${op.method.toUpperCase()} ${op.path}${op.scopes.length ? ` (scope: ${op.scopes.join(' or ')})` : ''}.`);
  if (cli.offline) lines.push(`Without ${op.pathParams.map((p) => `<${p}>`).join(' ')} it is computed offline instead: no server or API key needed.`);
  const dataOnly = cli.dataOnly.map((field) => {
    const lists = cli.shortcuts.filter((s) => s.action === 'list' && s.path.join('.') === field).map((s) => `--${s.shortcut.flag}`);
    return lists.length ? `${field} (or ${lists.join(', ')})` : field;
  });
  if (dataOnly.length) lines.push(`Set ${dataOnly.join(', ')} with --data.`);
  const file = downloadType(op);
  if (file) lines.push(`Answers a file (${file}): it goes to --output, or as raw bytes to stdout when that is not a terminal.`);
  return lines.join('\n');
}

/**
 * Creates the command for one operation of the table. Path parameters are required args, query
 * parameters and body fields are flags (see `operationInterface`); the request is checked for
 * required fields before anything is sent. The spec's topic aliases become oclif command aliases
 * (`trunks:create`), and an operation with an offline implementation answers from it when its path
 * params are left out.
 *
 * @throws Error when the spec names an offline implementation the CLI does not have.
 *
 * @example
 * ```ts
 * const ContactsCreate = createOperationCommand('contacts.create', operationTable['contacts.create']!);
 * await ContactsCreate.run(['--name', 'Ana', '--email', 'ana@example.com', '--json']);
 * ```
 */
export function createOperationCommand(operationId: string, op: OperationSpec): OperationCommandClass {
  const cli = operationInterface(op);
  const id = commandIdFor(op);
  if (cli.offline && !offline[cli.offline]) throw new Error(`${operationId} names the offline implementation ${cli.offline}, which the CLI does not have`);
  const byDefault = offlineByDefault[operationId];
  const file = downloadType(op);
  if (file && 'output' in cli.flags) throw new Error(`${operationId} answers a file, but already has an --output flag for another purpose`);
  const withDefaults: Interfaces.FlagInput = { ...cli.flags };
  for (const [name, { value, help }] of Object.entries(byDefault?.defaults ?? {})) {
    const flag = withDefaults[name];
    if (!flag) throw new Error(`${operationId} has a default for --${name}, which it does not have`);
    withDefaults[name] = { ...flag, required: false, default: async () => value(), defaultHelp: async () => help } as typeof flag;
  }
  const commandFlags: Interfaces.FlagInput = file
    ? {
        ...withDefaults,
        output: Flags.string({
          char: 'o',
          description: `Write the ${file} file here (- for stdout). Without it the bytes go to stdout, unless that is a terminal.`,
        }),
      }
    : byDefault
      ? {
          ...withDefaults,
          online: Flags.boolean({ description: `Ask the server (${op.method.toUpperCase()} ${op.path}) instead of answering offline.` }),
          wide: wideFlag,
        }
      : { ...withDefaults, wide: wideFlag };
  const command = `<%= config.bin %> ${toKebab(op.resource)} ${toKebab(op.action)} ${op.pathParams.map((p) => `<${p}>`).join(' ')}`;
  // With a flag defaulted, the first example leaves it out (`prolope sla due --severity critical`).
  const defaulted = Object.keys(byDefault?.defaults ?? {});
  const short = cli.examples.map((e) => defaulted.reduce((line, name) => line.replace(new RegExp(` --${name} \\S+`), ''), e));
  const examples = file ? [`${command} --output <file>`, `${command} > <file>`] : [...new Set([...short.slice(0, 1), ...cli.examples])];

  class OperationCommand extends ApiCommand {
    static readonly operationId = operationId;
    static override id = id;
    static override summary = op.summary;
    static override aliases = commandAliasesFor(op);
    static override description = describeOperation(op, cli) + (byDefault ? `\n${byDefault.help}` : '');
    static override args = cli.args;
    static override flags = commandFlags;
    static override examples = examples;

    async run(): Promise<void> {
      const { args, flags } = await this.parse(OperationCommand);
      const params = requestParams(op, cli, args as Parsed, flags as Parsed);
      const output = (flags as Parsed).output as string | undefined;
      const layout = this.layout(flags as Parsed & { wide?: boolean });
      if (file) this.checkDownloadTarget(file, output);
      if (byDefault && !(flags as Parsed).online) {
        this.print(runOffline(byDefault.implementation, params.query ?? {}), byDefault.render as (result: unknown) => string);
        return;
      }
      if (cli.offline && op.pathParams.length && !params.path) {
        this.printResult(runOffline(cli.offline, params.query ?? {}), layout);
        return;
      }
      const { client } = this.connect(flags, { requireKey: op.auth });
      const opts = { idempotencyKey: flags['idempotency-key'] as string | undefined };
      const call = (p: LooseRequestParams) => client.request(operationId as OperationId, p, opts) as Promise<unknown>;

      if (op.paginated && flags.all) {
        const limitParam = op.query.find((q) => q.name === 'limit');
        const max = (flags.max as number | undefined) ?? DEFAULT_MAX_ITEMS;
        const pageSize = (params.query?.limit as number | undefined) ?? limitParam?.schema.maximum ?? 100;
        const page = await fetchAll(
          async (startingAfter, limit) => {
            const query = { ...params.query, ...(limitParam ? { limit } : {}), ...(startingAfter ? { starting_after: startingAfter } : {}) };
            const result = await call({ ...params, query });
            if (!isPage(result)) throw new CliError('api_error', `${op.path} did not answer a list`);
            return result;
          },
          { max, pageSize, startingAfter: params.query?.starting_after as string | undefined },
        );
        this.printResult(page, layout);
        return;
      }
      const result = await call(params);
      if (file) await this.saveDownload(result as Response, file, output);
      else this.printResult(result, layout);
    }

    // Checked before anything is sent: raw audio would garble a terminal, and --json promises JSON on stdout.
    private checkDownloadTarget(type: string, output: string | undefined): void {
      const toStdout = output === undefined || output === '-';
      if (toStdout && this.jsonEnabled()) {
        throw new CliError('usage_error', `This command answers ${type}, not JSON: add --output <file> (--json then prints where it went).`);
      }
      if (output === undefined && process.stdout.isTTY) {
        throw new CliError(
          'usage_error',
          `This command answers ${type}, which would garble the terminal: add --output <file>, redirect stdout, or pass --output -.`,
        );
      }
    }

    private async saveDownload(response: Response, type: string, output: string | undefined): Promise<void> {
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (output === undefined || output === '-') {
        await writeBytes(bytes);
        return;
      }
      await writeFile(output, bytes);
      const download: Download = { object: 'download', path: output, content_type: response.headers.get('content-type') ?? type, size_bytes: bytes.length };
      this.print(download, renderDownload);
    }

    private printResult(result: unknown, layout: Layout): void {
      if (op.paginated && isPage(result)) {
        this.print(result, (page) => renderList(page.data, layout));
        if (result.has_more && result.next_cursor) {
          this.note(`More results: add --starting-after ${result.next_cursor} (or --all).`);
        }
        return;
      }
      this.print(result, (value) => renderObject(value, layout));
    }
  }

  Object.defineProperty(OperationCommand, 'name', { value: `${id.replace(/(^|[-:])(\w)/g, (_, __, c: string) => c.toUpperCase())}Command` });
  return OperationCommand;
}
