import { defineHandlers } from '../http/typed-handlers.js';
import type { Deps, Handlers } from '../deps.js';
import { createWindow, listWindows } from './maintenance.js';
import { createOutage, listOutages, updateOutage } from './outages.js';
import { statusData } from './status-data.js';
import { renderStatusPage } from './status-page.js';
import { retrieveUptime } from './uptime.js';

/**
 * Issue 7's availability side: maintenance windows (with the notice of terms 6), outages, monthly uptime
 * per service, and the public status page (`/status.json` and `/status`, no key).
 */
export function statusRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'maintenanceWindows.create': async (req) => createWindow(deps, req),
    'maintenanceWindows.list': async (req) => listWindows(deps, req),
    'outages.create': async (req) => createOutage(deps, req),
    'outages.list': async (req) => listOutages(deps, req),
    'outages.update': async (req) => updateOutage(deps, req),
    'uptime.retrieve': async (req) => retrieveUptime(deps, req),
    'status.retrieve': async (_req, reply) => {
      reply.header('cache-control', 'no-cache');
      return statusData(deps);
    },
    'status.page': async (_req, reply) => {
      const html = renderStatusPage(await statusData(deps));
      return (
        reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-cache')
          // Everything is inline; the script may only fetch /status.json from here.
          .header(
            'content-security-policy',
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          )
          .send(html)
      );
    },
  });
}
