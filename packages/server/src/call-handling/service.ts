import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { toE164 } from '../contacts/phone.js';
import { notFound, ProblemError } from '../errors.js';
import { sipUserExists } from '../sip-users/service.js';
import type { Tx } from '../store/db.js';
import { boxForCaller } from '../voicemail/service.js';
import { type CallHandling, type CallHandlingSettings, type CallHandlingUpdate, type ForwardTarget, settingsOf, storedSettings, toCallHandling } from './settings.js';
import { findCallHandling, putCallHandling } from './store.js';

const TARGET_FIELDS = ['forward_always', 'forward_busy', 'forward_no_answer', 'forward_not_registered'] as const;

/** The user's call handling (the defaults until set); 404 for a user of another account. */
export async function callHandlingOf(deps: Pick<Deps, 'db'>, accountId: string, sipUserId: string): Promise<CallHandling> {
  if (!(await sipUserExists(deps.db, accountId, sipUserId))) throw notFound('SIP user', sipUserId);
  return toCallHandling(sipUserId, await findCallHandling(deps.db, accountId, sipUserId));
}

/**
 * The target as stored (a number in E.164, as dialled in Bulgaria when it has no `+`); refuses a user or
 * box that is not the account's, or the user themself.
 */
async function checkedTarget(deps: Pick<Deps, 'db'>, accountId: string, sipUserId: string, field: string, target: ForwardTarget): Promise<ForwardTarget> {
  const param = `/body/${field}`;
  if (target.type === 'number') return { type: 'number', number: toE164(target.number, `${param}/number`) };
  if (target.type === 'sip_user') {
    if (target.sip_user_id === sipUserId) {
      throw new ProblemError('forward_to_self', `${field} forwards the user to themself: pick another user, a number or a voicemail box.`, { param: `${param}/sip_user_id` });
    }
    if (!(await sipUserExists(deps.db, accountId, target.sip_user_id))) {
      throw new ProblemError('invalid_reference', `No SIP user ${target.sip_user_id} on this account: list them with GET /v1/sip-users.`, { param: `${param}/sip_user_id` });
    }
  } else if (target.type === 'voicemail_box' && !(await boxForCaller(deps, accountId, target.voicemail_box_id))) {
    throw new ProblemError('invalid_reference', `No voicemail box ${target.voicemail_box_id} on this account: list them with GET /v1/voicemail-boxes.`, {
      param: `${param}/voicemail_box_id`,
    });
  }
  return target;
}

/** Replaces the user's call handling after checking every target (nothing is written when one is wrong). */
export async function setCallHandling(deps: Pick<Deps, 'db' | 'clock'>, accountId: string, sipUserId: string, input: CallHandlingUpdate): Promise<CallHandling> {
  if (!(await sipUserExists(deps.db, accountId, sipUserId))) throw notFound('SIP user', sipUserId);
  const settings: CallHandlingSettings = settingsOf(input);
  for (const field of TARGET_FIELDS) {
    const target = settings[field];
    if (target) settings[field] = await checkedTarget(deps, accountId, sipUserId, field, target);
  }
  const row = { sip_user_id: sipUserId, account_id: accountId, settings: JSON.stringify(settings), updated_at: iso(deps.clock.now()) };
  await deps.db.transaction().execute((tx: Tx) => putCallHandling(tx, row));
  return toCallHandling(sipUserId, row);
}

/** The settings a call to the user follows (the defaults when none were set); calls/user-handling.ts reads them. */
export async function settingsForCall(deps: Pick<Deps, 'db'>, accountId: string, sipUserId: string): Promise<CallHandlingSettings> {
  return storedSettings(await findCallHandling(deps.db, accountId, sipUserId));
}
