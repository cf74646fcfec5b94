import type { Deps } from '../../deps.js';

/** What the billing jobs need from the server. */
export type BillingDeps = Pick<Deps, 'db' | 'storeKind' | 'clock' | 'auth' | 'recordings' | 'exportFiles'>;
