// IVR flows (issue 18): the document's types, its static analysis, the interpreter live calls and the
// offline runner share, transition coverage and test-case expectations. No I/O: effects go to the host.
export { comparisonsOf, holds } from './conditions.js';
export { type ExpectationFailure, type FlowExpectation, checkExpectations } from './expectations.js';
export { type FlowCoverage, flowCoverage } from './coverage.js';
export * from './flow-document.js';
export {
  advanceFlow,
  type CallFacts,
  type EffectResult,
  type FlowEffect,
  type FlowOutcome,
  type FlowRunState,
  type FlowStep,
  MAX_SILENT_STEPS,
  startFlow,
  textAt,
  validAnswer,
} from './flow-run.js';
export { type FlowProblem, type FlowProblemCode, type LintOptions, lintFlow } from './lint.js';
export { type FlowScript, type FlowTranscript, runFlow, type ScriptStep } from './run-script.js';
export { type FlowObjectKind, type FlowReference, flowReferences, type KnownObjects, referencedIds } from './references.js';
export { saidPhrase, words } from './speech-match.js';
export { fillTemplate, templateVariables, type Variables } from './templates.js';
export { diffFlows, type FlowDocumentDiff, type FlowNodeChange, type FlowRewiring } from './diff.js';
export { flowTransitions, nodeTransitions, type Transition, transitionKey } from './transitions.js';
