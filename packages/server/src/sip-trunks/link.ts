import type { LinkDescription } from '@prolope/rules';
import { schemaDefaults } from '../http/contract.js';

export type { LinkDescription };

/**
 * The link with the spec's defaults written out (internet, static IP), so what is stored, shown and
 * judged by the capacity check is the same whether or not the caller spelled the defaults.
 */
export function normaliseLink(link: LinkDescription): LinkDescription {
  return {
    type: link.type ?? schemaDefaults.LinkDescription.type,
    bandwidth_kbps: link.bandwidth_kbps,
    ...(link.delay_ms !== undefined ? { delay_ms: link.delay_ms } : {}),
    static_ip: link.static_ip ?? schemaDefaults.LinkDescription.static_ip,
  };
}

export function linkOfRow(stored: string | null): LinkDescription | null {
  return stored === null ? null : (JSON.parse(stored) as LinkDescription);
}
