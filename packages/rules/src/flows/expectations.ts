import type { FlowOutcome } from './flow-run.js';
import type { FlowTranscript } from './run-script.js';

/**
 * What a test case expects of a scripted call; each field left out is not checked.
 *
 * @example
 * const e: FlowExpectation = { path: ['hours', 'closed', 'voicemail'], outcome: { kind: 'voicemail' } };
 */
export interface FlowExpectation {
  /** The nodes entered, exactly. */
  path?: string[];
  /** Everything heard, exactly and in order. */
  heard?: string[];
  /** These variables with these values (others may exist). */
  variables?: Record<string, string>;
  /** These fields of the outcome. */
  outcome?: Partial<Record<string, unknown>> & { kind?: FlowOutcome['kind'] };
}

/** One expectation that did not hold. */
export interface ExpectationFailure {
  field: 'path' | 'heard' | 'variables' | 'outcome';
  expected: unknown;
  actual: unknown;
  /** Where the two first differ, for lists: the index; for records: the key. */
  at?: number | string;
}

function firstDifference(a: readonly string[], b: readonly string[]): number | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return undefined;
}

/**
 * The expectations a transcript fails; an empty list means the case passed.
 *
 * @example
 * checkExpectations(runFlow(flow, script), { outcome: { kind: 'voicemail' } }); // []
 */
export function checkExpectations(t: FlowTranscript, expect: FlowExpectation): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  for (const field of ['path', 'heard'] as const) {
    const wanted = expect[field];
    if (!wanted) continue;
    const at = firstDifference(wanted, t[field]);
    if (at !== undefined) failures.push({ field, expected: wanted, actual: t[field], at });
  }
  for (const [key, value] of Object.entries(expect.variables ?? {})) {
    if (t.variables[key] !== value) failures.push({ field: 'variables', expected: value, actual: t.variables[key], at: key });
  }
  const outcome = t.outcome as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(expect.outcome ?? {})) {
    if (JSON.stringify(outcome[key]) !== JSON.stringify(value)) failures.push({ field: 'outcome', expected: value, actual: outcome[key], at: key });
  }
  return failures;
}
