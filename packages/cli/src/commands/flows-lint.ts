import { Args, Flags } from '@oclif/core';
import { type FlowProblem, lintFlow } from '@prolope/rules';
import { BaseCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { readFlowFile } from './flow-file.js';

/**
 * What `prolope flows lint --json` prints.
 *
 * @example
 * ```ts
 * const r: FlowLintResult = { object: 'flow_lint', file: 'flow.json', errors: 0, warnings: 0, problems: [] };
 * ```
 */
export interface FlowLintResult {
  object: 'flow_lint';
  file: string;
  errors: number;
  warnings: number;
  problems: FlowProblem[];
}

/**
 * One problem as a line: severity, code, node and message.
 *
 * @example
 * ```ts
 * problemLine({ code: 'flow_unknown_node', node: 'a', severity: 'error', message: 'a goes to b on next, and there is no node b.' });
 * // 'error   flow_unknown_node at a: a goes to b on next, and there is no node b.'
 * ```
 */
export function problemLine(p: FlowProblem): string {
  return `${p.severity.padEnd(7)} ${p.code}${p.node === null ? '' : ` at ${p.node}`}: ${p.message}`;
}

/**
 * `prolope flows lint <file>`: the static analysis the API's `validate` runs, offline: unknown nodes and
 * variables, unreachable nodes, dead ends, loops without an exit, duplicate choices, impossible patterns,
 * business hours without a closed branch. Exits 1 (`flow_invalid`) when any problem is an error.
 *
 * @example
 * ```ts
 * await FlowsLint.run(['flow.json', '--json']);
 * ```
 */
export class FlowsLint extends BaseCommand {
  static override summary = 'Check a flow document offline';
  static override description =
    "Reports every problem of a flow (JSON or YAML) with its node and a stable code, as the API's validate does. Errors exit 1; warnings alone exit 0. No API key or network needed.";
  static override examples = ['<%= config.bin %> flows lint flow.json', '<%= config.bin %> flows lint flow.yaml --contact-center --json'];
  static override args = { file: Args.string({ description: 'The flow document (JSON or YAML)', required: true }) };
  static override flags = {
    'contact-center': Flags.boolean({ description: 'The account has queues, so enqueue nodes are allowed.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FlowsLint);
    const flow = await readFlowFile(args.file);
    const problems = lintFlow(flow, { contactCenter: flags['contact-center'] });
    const errors = problems.filter((p) => p.severity === 'error').length;
    const result: FlowLintResult = { object: 'flow_lint', file: args.file, errors, warnings: problems.length - errors, problems };
    this.print(result, (r) =>
      [...r.problems.map(problemLine), `${r.file}: ${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}`].join(
        '\n',
      ),
    );
    if (errors > 0) throw new CliError('flow_invalid', `${args.file} has ${errors} error${errors === 1 ? '' : 's'}; see above.`);
  }
}
