// Prolope's business rules as pure functions: no I/O, no clock (callers pass `now`), no dependencies.
// The server builds on them and the SDK re-exports what customers use (calendar, SLA, capacity).
export * from './billing/index.js';
export * from './calendar/index.js';
export { capacity, type CapacityInput, type CapacityResult, type LinkDescription } from './capacity.js';
export * from './sla/index.js';
export * from './flows/index.js';
export * from './schedule/index.js';
