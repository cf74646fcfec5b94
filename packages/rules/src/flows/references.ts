import type { FlowDocument, FlowNode, NodeId, Prompt } from './flow-document.js';

/** The kinds of account objects a flow names by id. */
export type FlowObjectKind = 'audio_prompt' | 'schedule' | 'voicemail_box' | 'ring_group' | 'sip_user' | 'flow';

/**
 * One account object a node names.
 *
 * @example
 * const r: FlowReference = { node: 'hours', field: 'schedule_id', kind: 'schedule', id: 'sch_office' };
 */
export interface FlowReference {
  node: NodeId;
  /** Where in the node the id is, as a person would look for it: `schedule_id`, `to.ring_group_id`, `no_match`. */
  field: string;
  kind: FlowObjectKind;
  id: string;
  /** For a subflow pinned to a revision: that revision. */
  revision?: number;
}

/**
 * What the host found in the account, for each kind it looked up. A kind left out is not checked (the
 * offline linter knows no account); for `flow`, each id maps to its latest published revision, or null
 * when it has none yet.
 */
export interface KnownObjects {
  audio_prompt?: ReadonlySet<string>;
  schedule?: ReadonlySet<string>;
  voicemail_box?: ReadonlySet<string>;
  ring_group?: ReadonlySet<string>;
  sip_user?: ReadonlySet<string>;
  flow?: ReadonlyMap<string, number | null>;
}

/** Only `aud_...` ids are account objects; an https URL is fetched when played. */
function promptReference(node: NodeId, field: string, p: Prompt | undefined): FlowReference[] {
  return p !== undefined && 'play' in p && p.play.startsWith('aud_') ? [{ node, field, kind: 'audio_prompt', id: p.play }] : [];
}

function referencesOf(node: NodeId, n: FlowNode): FlowReference[] {
  switch (n.type) {
    case 'play':
      return promptReference(node, 'audio', { play: n.audio });
    case 'menu':
      return [...promptReference(node, 'prompt', n.prompt), ...promptReference(node, 'no_input', n.no_input), ...promptReference(node, 'no_match', n.no_match)];
    case 'gather':
      return [...promptReference(node, 'prompt', n.prompt), ...promptReference(node, 'invalid', n.invalid)];
    case 'business_hours':
      return [{ node, field: 'schedule_id', kind: 'schedule', id: n.schedule_id }];
    case 'voicemail':
      return [{ node, field: 'voicemail_box_id', kind: 'voicemail_box', id: n.voicemail_box_id }];
    case 'transfer':
      if (n.to.type === 'sip_user') return [{ node, field: 'to.sip_user_id', kind: 'sip_user', id: n.to.sip_user_id }];
      if (n.to.type === 'ring_group') return [{ node, field: 'to.ring_group_id', kind: 'ring_group', id: n.to.ring_group_id }];
      return [];
    case 'subflow':
      return [{ node, field: 'flow_id', kind: 'flow', id: n.flow_id, ...(n.revision === undefined ? {} : { revision: n.revision }) }];
    default:
      return [];
  }
}

/**
 * Every account object the flow's nodes name, in node order.
 *
 * @example
 * flowReferences({ start: 'v', nodes: { v: { type: 'voicemail', voicemail_box_id: 'vmb_1' } } });
 * // [{ node: 'v', field: 'voicemail_box_id', kind: 'voicemail_box', id: 'vmb_1' }]
 */
export function flowReferences(flow: FlowDocument): FlowReference[] {
  return Object.entries(flow.nodes).flatMap(([id, node]) => referencesOf(id, node));
}

/**
 * The distinct ids of each kind the flow names (sorted), so a host looks each kind up once. Kinds the
 * flow does not use are left out.
 *
 * @example
 * referencedIds({ start: 'v', nodes: { v: { type: 'voicemail', voicemail_box_id: 'vmb_1' } } });
 * // { voicemail_box: ['vmb_1'] }
 */
export function referencedIds(flow: FlowDocument): Partial<Record<FlowObjectKind, string[]>> {
  const out: Partial<Record<FlowObjectKind, string[]>> = {};
  for (const r of flowReferences(flow)) {
    const ids = out[r.kind] ?? [];
    if (!ids.includes(r.id)) ids.push(r.id);
    out[r.kind] = ids;
  }
  for (const ids of Object.values(out)) ids.sort();
  return out;
}
