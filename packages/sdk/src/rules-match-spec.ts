// @prolope/rules depends on nothing, so it writes out the three API schemas its functions answer with.
// These checks make the SDK's typecheck fail when one of them drifts from the spec: each type must be the
// spec's type exactly, not just assignable to it. Types only; nothing here is exported or emitted.
import type { CapacityResult, LinkDescription, SlaDue } from '@prolope/rules';
import type { Schema } from './schema-types.js';

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Check<T extends true> = T;

export type RulesMatchSpec = [
  Check<Same<LinkDescription, Schema<'LinkDescription'>>>,
  Check<Same<CapacityResult, Schema<'Capacity'>>>,
  Check<Same<SlaDue, Schema<'SlaDue'>>>,
];
