import { capacity, type CapacityResult } from '@prolope/rules';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { operationParameterDefaults } from '../http/contract.js';
import type { LinkDescription } from './link.js';
import { linkOfRow } from './link.js';
import { findSipTrunk } from './store.js';

export interface CapacityQuery {
  lines: number;
  kind?: 'ip' | 'web';
  link_type?: 'internet' | 'leased_line';
  bandwidth_kbps?: number;
  delay_ms?: number;
  static_ip?: boolean;
}

/** The link described in the query, or undefined when the query describes none. */
function linkOfQuery(q: CapacityQuery): LinkDescription | undefined {
  if (q.bandwidth_kbps === undefined) {
    // Without a bandwidth the other fields describe no link, and quietly judging the stored link instead
    // would answer a question that was not asked.
    const stray = (['link_type', 'delay_ms', 'static_ip'] as const).find((k) => q[k] !== undefined);
    if (stray) {
      throw new ProblemError(
        'validation_failed',
        `${stray} describes a link, so bandwidth_kbps is needed with it. Give bandwidth_kbps too, or leave out every link field to check the trunk's stored link.`,
        { param: '/querystring/bandwidth_kbps' },
      );
    }
    return undefined;
  }
  return {
    bandwidth_kbps: q.bandwidth_kbps,
    ...(q.link_type !== undefined ? { type: q.link_type } : {}),
    ...(q.delay_ms !== undefined ? { delay_ms: q.delay_ms } : {}),
    ...(q.static_ip !== undefined ? { static_ip: q.static_ip } : {}),
  };
}

/** Terms 5.3 applied to the query's link, else the trunk's stored link, else to none (meets is null). */
export async function trunkCapacity(deps: Deps, accountId: string, id: string, q: CapacityQuery): Promise<CapacityResult> {
  const row = await findSipTrunk(deps.db, accountId, id);
  if (!row) throw notFound('SIP trunk', id);
  const link = linkOfQuery(q) ?? linkOfRow(row.link);
  return capacity({ lines: q.lines, kind: q.kind ?? operationParameterDefaults['sipTrunks.capacity'].kind, link });
}
