export { initial } from './0001-initial.js';
export { numbersTrunksPorts } from './0002-numbers-trunks-ports.js';
export { calls } from './0003-calls.js';
export { recordings } from './0004-recordings.js';
export { callLegs } from './0005-call-legs.js';
export { webhooks } from './0006-webhooks.js';
export { callStatusCallbacks } from './0007-call-status-callbacks.js';
export { callOwner } from './0008-call-owner.js';
