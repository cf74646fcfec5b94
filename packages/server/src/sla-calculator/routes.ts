import { defineHandlers } from '../http/typed-handlers.js';
import { slaDueTimes } from '@prolope/rules';
import { loadOverrides } from '../billing/overrides-store.js';
import type { Deps, Handlers } from '../deps.js';
import { ProblemError } from '../errors.js';

/**
 * `GET /v1/sla/due`: the SDK's `slaDueTimes()` with the operator's calendar overrides (extra days off
 * and working days), so the answer can differ from the CLI's offline one only by those days.
 */
export function slaCalculatorRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'sla.due': async (req) => {
      const { severity, at } = req.query;
      const overrides = await loadOverrides(deps.db);
      try {
        return slaDueTimes(severity, at, overrides);
      } catch (err) {
        // The request schema checks both already; a RangeError it lets through is still the caller's mistake, not a 500.
        if (err instanceof RangeError) throw new ProblemError('validation_failed', err.message);
        throw err;
      }
    },
  });
}
