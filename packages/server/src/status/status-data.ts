import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { components } from '../generated/schema.js';
import { servicesOf, toWindow } from './maintenance.js';
import { SERVICES, type Service } from './services.js';
import { testAccountIds } from '../test-clocks/account-time.js';

export type Status = components['schemas']['Status'];
type ServiceState = Status['services'][number]['status'];
type Severity = components['schemas']['Severity'];

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/**
 * What the public status page shows, for anyone and without a key, so nothing of a customer's: open
 * incidents carry only id, severity, service, status and start, never the account, title or description.
 *
 * A service is `maintenance` while a window covering it runs, else `outage` with an outage going on or
 * a critical incident not yet mitigated, else `degraded` with a high incident or a mitigated critical one
 * (a temporary solution runs; the outage it opened has ended), else `operational`.
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
  // The incidents table is shared with the incidents API; only non-customer columns are read. A test
  // account's incidents (on a test clock) are simulations and not shown.
  const incidents = await deps.db
    .selectFrom('incidents')
    .select(['id', 'severity', 'service', 'status', 'description_completed_at', 'created_at'])
    .where('status', 'not in', ['resolved', 'closed'])
    .where('account_id', 'not in', testAccountIds(deps.db))
    .execute();

  const running = windows.filter((w) => Date.parse(w.starts_at) <= now.getTime());
  const stateOf = (service: Service): ServiceState => {
    if (running.some((w) => servicesOf(w).includes(service))) return 'maintenance';
    if (outages.some((o) => o.service === service)) return 'outage';
    const open = incidents.filter((i) => i.service === service);
    if (open.some((i) => i.severity === 'critical' && i.status !== 'mitigated')) return 'outage';
    if (open.some((i) => i.severity === 'high' || (i.severity === 'critical' && i.status === 'mitigated'))) return 'degraded';
    return 'operational';
  };

  const open = incidents
    .map((i) => ({
      id: i.id,
      severity: i.severity as Severity,
      service: i.service as Service,
      status: i.status as Status['incidents'][number]['status'],
      started_at: i.description_completed_at ?? i.created_at,
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
