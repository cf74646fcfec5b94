import { ringGroupById, roundRobinStart } from '../ring-groups/call-targets.js';
import type { RingGroup } from '../ring-groups/views.js';
import { userById } from '../sip-users/call-targets.js';
import type { DialOptions, OutboundCall } from '../telephony/backend.js';
import type { DialResult } from '../telephony/verbs/verb-host.js';
import type { SessionDeps } from './call-session.js';
import { type DialLegs, type DialParent, dialLeg } from './dial-leg.js';
import { placeUserLeg } from './user-leg.js';

/** A member as rung: enabled, with the extension its leg shows and how long it rings in turn. */
interface Ringable {
  id: string;
  extension: string;
  timeoutSeconds: number;
}

/** The group's members that can ring now, in the group's order (deleted or disabled users are skipped). */
async function ringableMembers(deps: SessionDeps, group: RingGroup): Promise<Ringable[]> {
  const out: Ringable[] = [];
  for (const m of group.members) {
    const user = await userById(deps.db, group.account_id, m.sip_user_id);
    if (user?.enabled) out.push({ id: user.id, extension: user.extension, timeoutSeconds: m.timeout_seconds });
  }
  return out;
}

/** Legs ringing every registered device of `userIds` at once, the leg row showing `label` as its `to`. */
function userLegs(deps: SessionDeps, dial: (o: DialOptions) => OutboundCall, userIds: string[], label: string, answered: (userId: string) => void): DialLegs {
  return { placeLeg: (input) => placeUserLeg(deps, dial, { ...input, userId: userIds, extension: label, onAnswer: answered }) };
}

/**
 * Rings the account's group `groupId` by its strategy, bridging the first member to answer to the
 * caller (`parent`): `simultaneous` rings every member's devices in one leg for the group's timeout;
 * `sequential` one member after another, each for its own timeout; `round_robin` the same starting
 * one member further on each call (the cursor is taken atomically in the store). The group's
 * `timeout_seconds` bounds the whole. Each member rung is a leg with its own CDR (`parent_call_id`).
 * Answers how the last leg ended ('failed' when the group is gone or nobody can ring), and the group.
 */
export async function ringGroup(
  deps: SessionDeps,
  dial: ((o: DialOptions) => OutboundCall) | undefined,
  parent: DialParent,
  groupId: string,
  answered: (userId: string) => void,
): Promise<{ status: DialResult['status']; group: RingGroup | undefined }> {
  const group = await ringGroupById(deps.db, parent.row.account_id, groupId);
  const members = group ? await ringableMembers(deps, group) : [];
  if (!group || !dial || members.length === 0) return { status: 'failed', group };
  const from = parent.row.from;
  if (group.strategy === 'simultaneous') {
    const label = group.extension ?? group.name;
    const legs = userLegs(
      deps,
      dial,
      members.map((m) => m.id),
      label,
      answered,
    );
    const result = await dialLeg(deps, legs, parent, { verb: 'dial', to: label, caller_id: from, timeout_seconds: group.timeout_seconds });
    return { status: result.status, group };
  }
  const start = group.strategy === 'round_robin' ? await roundRobinStart(deps.db, group, members.length) : 0;
  const order = [...members.slice(start), ...members.slice(0, start)];
  const deadline = deps.clock.now().getTime() + group.timeout_seconds * 1000;
  let status: DialResult['status'] = 'no_answer';
  let busy = false;
  for (const member of order) {
    const left = Math.ceil((deadline - deps.clock.now().getTime()) / 1000);
    if (left <= 0 || parent.signal.aborted) break;
    const legs = userLegs(deps, dial, [member.id], member.extension, answered);
    const result = await dialLeg(deps, legs, parent, {
      verb: 'dial',
      to: member.extension,
      caller_id: from,
      timeout_seconds: Math.min(member.timeoutSeconds, left),
    });
    status = result.status;
    if (status === 'completed' || status === 'canceled') return { status, group };
    busy ||= status === 'busy';
  }
  // The caller hears busy only when a member was busy and nobody answered (RFC 3261 §16.7's "best" answer).
  return { status: busy ? 'busy' : status, group };
}
