import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { components } from '../http/contract.js';
import { servicesOf, toWindow } from './maintenance.js';
import { SERVICES, type Service } from './services.js';
import { testAccountIds } from '../test-clocks/account-time.js';

export type Status = components['schemas']['Status'];
type ServiceState = Status['services'][number]['status'];
type Severity = components['schemas']['Severity'];

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/**
 * What the public status page shows, for anyone and without a key, so nothing of a customer's, and nothing a
 * customer alone can put there (issue 13 item 3: a customer's critical incident once showed `api: outage` to
 * everyone). A service's state comes from the operator's records only: `maintenance` while a window covering it
 * runs, else `outage` with an outage going on, else `degraded` while an incident the operator confirmed (one with
 * an outage) is not yet resolved but its outage has ended (a temporary solution runs), else `operational`.
 *
 * The incidents listed are those confirmed ones, by their outage's id: never the customer's incident id, account,
 * title or description.
 */
export async function statusData(deps: Deps): Promise<Status> {
  const now = deps.clock.now();
  const at = iso(now);
  const windows = await deps.db.selectFrom('maintenance_windows').selectAll().where('ends_at', '>', at).orderBy('starts_at').orderBy('id').execute();
  // An outage is going on from its start until its end (open ones have none yet).
  const outages = await deps.db
    .selectFrom('outages')
    .select('service')
    .where('started_at', '<=', at)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', at)]))
    .execute();
  // The incidents table is shared with the incidents API; only non-customer columns are read, and only of
  // incidents the operator confirmed. A test account's incidents (on a test clock) are simulations and not shown.
  const incidents = await deps.db
    .selectFrom('incidents')
    .innerJoin('outages', 'outages.id', 'incidents.outage_id')
    .select(['outages.id as outage_id', 'incidents.severity', 'outages.service', 'incidents.status', 'outages.started_at'])
    .where('incidents.status', 'not in', ['resolved', 'closed'])
    .where('incidents.account_id', 'not in', testAccountIds(deps.db))
    .execute();

  const running = windows.filter((w) => Date.parse(w.starts_at) <= now.getTime());
  const stateOf = (service: Service): ServiceState => {
    if (running.some((w) => servicesOf(w).includes(service))) return 'maintenance';
    if (outages.some((o) => o.service === service)) return 'outage';
    if (incidents.some((i) => i.service === service)) return 'degraded';
    return 'operational';
  };

  const open = incidents
    .map((i) => ({
      id: i.outage_id,
      severity: i.severity as Severity,
      service: i.service as Service,
      status: i.status as Status['incidents'][number]['status'],
      started_at: i.started_at,
    }))
    .sort(
      (a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || a.started_at.localeCompare(b.started_at) || a.id.localeCompare(b.id),
    );

  return {
    object: 'status',
    updated_at: at,
    services: SERVICES.map((s) => ({ service: s.service, name: s.name, status: stateOf(s.service) })),
    incidents: open,
    maintenance: windows.map((w) => toWindow(w, now)),
  };
}
