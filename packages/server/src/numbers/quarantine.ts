import { iso } from '../clock.js';

/**
 * Days a released number rests before anyone can buy it again. Callers who still dial the old
 * holder's number would otherwise reach a stranger at once; 30 days lets them notice, and matches
 * what carriers commonly do before reissuing a number (aging).
 */
export const QUARANTINE_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a number released at `now` leaves quarantine. */
export function quarantineEnd(now: Date): string {
  return iso(new Date(now.getTime() + QUARANTINE_DAYS * DAY_MS));
}

export type InventoryStatus = 'available' | 'assigned' | 'quarantined' | 'porting';

/**
 * The status as the API reports it. Quarantine ends by time alone, with no job to flip the row, so
 * a quarantine that has run out is read as `available` (and search and buy treat it so as well).
 */
export function effectiveStatus(row: { status: string; quarantined_until: string | null }, now: Date): InventoryStatus {
  if (row.status === 'quarantined' && quarantineOver(row.quarantined_until, now)) return 'available';
  return row.status as InventoryStatus;
}

/** Times are RFC 3339 UTC text in one format, so comparing the strings compares the instants. */
export function quarantineOver(until: string | null, now: Date): boolean {
  return until !== null && until <= iso(now);
}
