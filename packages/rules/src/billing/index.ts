// The billing rules of terms section 7 and 13 as pure functions; the billing service and jobs build on them.
export * from './cpi.js';
export * from './due-dates.js';
export * from './money.js';
export * from './penalty.js';
export * from './proration.js';
export * from './standing.js';
export * from './termination.js';
export * from './vat.js';
