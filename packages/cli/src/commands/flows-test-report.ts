import type { ExpectationFailure, FlowCoverage, FlowOutcome, FlowTranscript } from '@prolope/rules';

/**
 * One case's result in `prolope flows test`.
 *
 * @example
 * ```ts
 * const r: CaseResult = { name: 'press 2', passed: true, failures: [], transcript };
 * ```
 */
export interface CaseResult {
  name: string;
  passed: boolean;
  failures: ExpectationFailure[];
  transcript: FlowTranscript;
}

/**
 * An outcome in words.
 *
 * @example
 * ```ts
 * outcomeText({ kind: 'voicemail', node: 'vm', voicemail_box_id: 'vmb_1' }); // 'voicemail vmb_1 (at vm)'
 * ```
 */
export function outcomeText(o: FlowOutcome): string {
  switch (o.kind) {
    case 'transferred': {
      const to = o.to;
      const target = to.type === 'sip_user' ? to.sip_user_id : to.type === 'ring_group' ? to.ring_group_id : to.type === 'number' ? to.number : to.uri;
      return `transferred to ${to.type} ${target} (at ${o.node})`;
    }
    case 'voicemail':
      return `voicemail ${o.voicemail_box_id} (at ${o.node})`;
    case 'enqueued':
      return `queue ${o.queue_id} (at ${o.node})`;
    case 'caller_hangup':
      return `the caller hung up (at ${o.node})`;
    case 'hangup':
      return `hung up (${o.reason.replaceAll('_', ' ')}${o.node === null ? '' : ` at ${o.node}`})`;
  }
}

/**
 * A failed expectation in words: where the actual run first differs from the expected one.
 *
 * @example
 * ```ts
 * failureText({ field: 'heard', expected: ['Hi', 'Press 3'], actual: ['Hi', 'Press 1'], at: 1 });
 * // 'heard[1]: expected "Press 3", got "Press 1"'
 * ```
 */
export function failureText(f: ExpectationFailure): string {
  const show = (v: unknown) => (v === undefined ? '(nothing)' : JSON.stringify(v));
  if (Array.isArray(f.expected) && Array.isArray(f.actual) && typeof f.at === 'number') {
    return `${f.field}[${f.at}]: expected ${show(f.expected[f.at])}, got ${show(f.actual[f.at])}`;
  }
  return `${f.field}.${String(f.at)}: expected ${show(f.expected)}, got ${show(f.actual)}`;
}

/**
 * The readable report: each case with its path, what was heard and how it ended, failures, then coverage.
 *
 * @example
 * ```ts
 * process.stdout.write(`${testReport(results, coverage)}\n`);
 * ```
 */
export function testReport(results: readonly CaseResult[], coverage: FlowCoverage): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.passed ? 'PASS' : 'FAIL'}  ${r.name}`);
    lines.push(`      path:    ${r.transcript.path.join(' > ')}`);
    lines.push(`      heard:   ${r.transcript.heard.map((h) => JSON.stringify(h)).join(' | ') || '(nothing)'}`);
    lines.push(`      outcome: ${outcomeText(r.transcript.outcome)}`);
    for (const f of r.failures) lines.push(`      ✗ ${failureText(f)}`);
    if (r.transcript.unused_steps.length > 0) lines.push(`      note: the flow never asked for ${JSON.stringify(r.transcript.unused_steps)}`);
  }
  const failed = results.filter((r) => !r.passed).length;
  lines.push('');
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  lines.push(`transition coverage: ${coverage.covered}/${coverage.total} (${coverage.percent} %)`);
  for (const m of coverage.missing) lines.push(`  not taken: ${m}`);
  return lines.join('\n');
}
