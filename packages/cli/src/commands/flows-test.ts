import { dirname, resolve } from 'node:path';
import { Args } from '@oclif/core';
import { checkExpectations, type FlowCoverage, type FlowDocument, type FlowExpectation, type FlowScript, flowCoverage, runFlow } from '@prolope/rules';
import { BaseCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { readDataFile, readFlowFile } from './flow-file.js';
import { type CaseResult, testReport } from './flows-test-report.js';

/**
 * One test case of a cases file: a scripted call and what it must produce. `flows` may give a subflow
 * inline or as a path relative to the cases file.
 *
 * @example
 * ```ts
 * const c: FlowTestCase = { name: 'press 2', steps: [{ press: '2' }], expect: { outcome: { kind: 'transferred' } } };
 * ```
 */
export interface FlowTestCase extends Omit<FlowScript, 'flows'> {
  name: string;
  flows?: Record<string, FlowDocument | string>;
  expect?: FlowExpectation;
}

/**
 * What `prolope flows test --json` prints.
 *
 * @example
 * ```ts
 * const r: FlowTestResult = { object: 'flow_test', file: 'flow.json', passed: 3, failed: 0, cases: [], coverage };
 * ```
 */
export interface FlowTestResult {
  object: 'flow_test';
  file: string;
  passed: number;
  failed: number;
  cases: CaseResult[];
  coverage: FlowCoverage;
}

async function readCases(path: string): Promise<FlowTestCase[]> {
  const doc = await readDataFile(path, 'test cases');
  const list = Array.isArray(doc) ? doc : (doc as { cases?: unknown } | null)?.cases;
  if (!Array.isArray(list) || list.length === 0) {
    throw new CliError('invalid_data', `${path} holds no test cases: give a list of cases, or an object with "cases".`);
  }
  return list.map((c, i) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new CliError('invalid_data', `${path}: case ${i + 1} is not an object.`);
    const named = c as FlowTestCase;
    return { ...named, name: typeof named.name === 'string' ? named.name : `case ${i + 1}` };
  });
}

async function subflows(casesPath: string, given: FlowTestCase['flows']): Promise<Record<string, FlowDocument>> {
  const out: Record<string, FlowDocument> = {};
  for (const [id, flow] of Object.entries(given ?? {})) {
    out[id] = typeof flow === 'string' ? await readFlowFile(resolve(dirname(casesPath), flow)) : flow;
  }
  return out;
}

/**
 * `prolope flows test <flow> <cases>`: plays scripted callers through a flow offline (the interpreter
 * live calls use: digits, phrases, silence, hang-ups, schedules open or closed, stubbed http answers),
 * prints each path, what was heard and how the call ended, then transition coverage. Exits 1
 * (`flow_test_failed`) when an expectation fails.
 *
 * @example
 * ```ts
 * await FlowsTest.run(['flow.json', 'cases.yaml']);
 * ```
 */
export class FlowsTest extends BaseCommand {
  static override summary = 'Test a flow offline against scripted calls';
  static override description =
    'Each case (YAML or JSON) scripts a caller (steps: press, say, silence, hangup), the world around the flow (schedules, http answers, transfer and enqueue results, subflows) and what must happen (expect: path, heard, variables, outcome). No API key or network needed.';
  static override examples = ['<%= config.bin %> flows test flow.json cases.yaml', '<%= config.bin %> flows test flow.json cases.yaml --json'];
  static override args = {
    flow: Args.string({ description: 'The flow document (JSON or YAML)', required: true }),
    cases: Args.string({ description: 'The test cases (YAML or JSON)', required: true }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(FlowsTest);
    const flow = await readFlowFile(args.flow);
    const cases = await readCases(args.cases);
    const results: CaseResult[] = [];
    for (const c of cases) {
      const { name, expect, flows, ...script } = c;
      const transcript = runFlow(flow, { ...script, flows: await subflows(args.cases, flows) });
      const failures = expect ? checkExpectations(transcript, expect) : [];
      results.push({ name, passed: failures.length === 0, failures, transcript });
    }
    const coverage = flowCoverage(
      flow,
      results.map((r) => r.transcript.taken),
    );
    const failed = results.filter((r) => !r.passed).length;
    const result: FlowTestResult = { object: 'flow_test', file: args.flow, passed: results.length - failed, failed, cases: results, coverage };
    this.print(result, (r) => testReport(r.cases, r.coverage));
    if (failed > 0) throw new CliError('flow_test_failed', `${failed} of ${results.length} case${results.length === 1 ? '' : 's'} failed; see above.`);
  }
}
