// What other domains may read of webhook endpoints (events redeliver to one). They go through here,
// never through store.ts, so the table stays this domain's own (dependency rule in .dependency-cruiser.cjs).
export { findEndpoint } from './store.js';
