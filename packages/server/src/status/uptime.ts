import type { Req } from '../http/typed-handlers.js';
import type { Deps } from '../deps.js';
import { monthlyUptime } from '@prolope/rules';
import { servicesOf, windowsBetween } from './maintenance.js';
import { outagesBetween } from './outages.js';
import { SERVICES } from './services.js';

/**
 * A month's uptime per service (terms 6: 99.9 %), from the outages, excusing outage time inside windows
 * announced in time. The month's bounds (Sofia midnights) and all arithmetic are the pure rule's.
 */
export async function retrieveUptime(deps: Deps, req: Req<'uptime.retrieve'>) {
  const q = req.query;
  const now = deps.clock.now();
  // The rule knows the month's bounds; asking it with nothing in it gives them.
  const bounds = monthlyUptime({ month: q.month, outages: [], maintenance: [], now });
  const outages = await outagesBetween(deps.db, bounds.starts_at, bounds.ends_at, q.service);
  const windows = await windowsBetween(deps.db, bounds.starts_at, bounds.ends_at);
  const services = q.service ? [q.service] : SERVICES.map((s) => s.service);
  return {
    object: 'uptime' as const,
    month: q.month,
    services: services.map((service) => {
      const u = monthlyUptime({
        month: q.month,
        outages: outages
          .filter((o) => o.service === service)
          .map((o) => ({ start: new Date(o.started_at), end: o.ended_at === null ? null : new Date(o.ended_at) })),
        maintenance: windows
          .filter((w) => servicesOf(w).includes(service))
          .map((w) => ({ start: new Date(w.starts_at), end: new Date(w.ends_at), announcedInTime: w.announced_in_time === 1 })),
        now,
      });
      return {
        service,
        minutes_in_month: u.minutes_in_month,
        downtime_minutes: u.downtime_minutes,
        excluded_maintenance_minutes: u.excluded_maintenance_minutes,
        uptime_percent: u.uptime_percent,
        target_percent: u.target_percent as '99.9',
        met: u.met,
        complete: u.complete,
      };
    }),
  };
}
