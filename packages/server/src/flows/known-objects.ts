import { type FlowDocument, type FlowObjectKind, type KnownObjects, referencedIds } from '@prolope/rules';
import type { Db } from '../store/db.js';

/** The table each kind of object a flow names lives in; every one has `id` and `account_id`. */
const TABLES = {
  audio_prompt: 'audio_prompts',
  schedule: 'schedules',
  voicemail_box: 'voicemail_boxes',
  ring_group: 'ring_groups',
  sip_user: 'sip_users',
} as const satisfies Record<Exclude<FlowObjectKind, 'flow'>, string>;

/**
 * Which of the objects the flow names exist in the account: one query per kind the flow uses (none for a
 * kind it does not), each for just the named ids, so the cost follows the flow and not the account's size.
 * Another account's id is not found, so it is reported like a typo.
 */
export async function knownObjects(db: Db, accountId: string, flow: FlowDocument): Promise<KnownObjects> {
  const wanted = referencedIds(flow);
  const known: KnownObjects = {};
  const lookups = (Object.keys(TABLES) as (keyof typeof TABLES)[]).map(async (kind) => {
    const ids = wanted[kind];
    if (!ids) return;
    const rows = await db.selectFrom(TABLES[kind]).select('id').where('account_id', '=', accountId).where('id', 'in', ids).execute();
    known[kind] = new Set(rows.map((r) => r.id));
  });
  const flowIds = wanted.flow;
  if (flowIds) {
    lookups.push(
      (async () => {
        const rows = await db.selectFrom('flows').select(['id', 'latest_revision']).where('account_id', '=', accountId).where('id', 'in', flowIds).execute();
        known.flow = new Map(rows.map((r) => [r.id, r.latest_revision === null ? null : Number(r.latest_revision)]));
      })(),
    );
  }
  await Promise.all(lookups);
  return known;
}
