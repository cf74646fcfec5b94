import type { FlowDocument } from './flow-document.js';
import { flowTransitions, transitionKey } from './transitions.js';

/**
 * Which of a flow's transitions a set of runs took.
 *
 * @example
 * const c: FlowCoverage = { total: 10, covered: 9, percent: 90, missing: ['menu --default--> operator'] };
 */
export interface FlowCoverage {
  total: number;
  covered: number;
  /** 0-100, one decimal; 100 for a flow without transitions. */
  percent: number;
  /** The transitions no run took, as `from --event--> to`. */
  missing: string[];
}

/**
 * Transition coverage of a flow over the runs' `taken` lists (a subflow's own transitions are not counted).
 *
 * @example
 * flowCoverage(flow, [runFlow(flow, a).taken, runFlow(flow, b).taken]).percent; // 100
 */
export function flowCoverage(flow: FlowDocument, runs: readonly (readonly string[])[]): FlowCoverage {
  const taken = new Set(runs.flat());
  const all = [...new Set(flowTransitions(flow).map(transitionKey))];
  const missing = all.filter((k) => !taken.has(k));
  const covered = all.length - missing.length;
  return { total: all.length, covered, percent: all.length === 0 ? 100 : Math.floor((1000 * covered) / all.length) / 10, missing };
}
