// The billing engine (issue 6): the daily jobs of terms 7 and 13 per account, and what drives them.
export type { BillingDeps } from './deps.js';
export { type BillingLoop, type BillingLoopOptions, startBillingLoop } from './loop.js';
export { refreshStanding, runAccountBilling } from './run.js';
export { terminateAccount } from './terminate.js';
export type { ApiTerminationGround } from './termination.js';
