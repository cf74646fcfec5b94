import { defineHandlers } from '../http/typed-handlers.js';
import { sql } from 'kysely';
import { iso } from '../clock.js';
import type { Deps, Handlers } from '../deps.js';
import { ProblemError } from '../errors.js';
import { sipAddressOf } from '../sip-address.js';

export function healthRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'health.retrieve': async () => {
      try {
        await sql`select 1`.execute(deps.db);
      } catch {
        throw new ProblemError('store_unavailable', `The ${deps.storeKind} store does not answer.`);
      }
      return {
        status: 'ok',
        version: deps.version,
        time: iso(deps.clock.now()),
        store: deps.storeKind,
        sip: sipAddressOf(deps.sip),
      };
    },
  });
}
