import { findOperatorAccount } from '../accounts/service.js';
import { iso } from '../clock.js';
import { recordEvent } from '../events/outbox.js';
import { newId } from '../ids.js';
import type { Db } from '../store/db.js';
import type { SourceBan } from '../telephony/source-guard.js';
import { trunksForSource } from './service.js';

/**
 * Records `sip.source_banned` for a ban the SIP side started: one event per account whose trunks allow
 * the address (naming only that account's trunks, so no tenant learns another's), and one for the
 * operator. A source no trunk allows cannot have failed a digest check (it is refused on its address
 * first), so in practice at least one customer is told: the one whose PBX, or whose allowed address, it is.
 */
export async function recordSourceBan(db: Db, ban: SourceBan, windowSeconds: number): Promise<void> {
  const trunks = await trunksForSource(db, ban.address);
  const byAccount = new Map<string, string[]>();
  for (const t of trunks) byAccount.set(t.accountId, [...(byAccount.get(t.accountId) ?? []), t.id]);
  const operator = await findOperatorAccount(db);
  if (operator && !byAccount.has(operator.id)) byAccount.set(operator.id, []);
  const id = newId('sipSourceBan', ban.bannedAt);
  await db.transaction().execute(async (tx) => {
    for (const [accountId, trunkIds] of byAccount) {
      const object = {
        id,
        object: 'sip_source_ban' as const,
        source_address: ban.address,
        failures: ban.failures,
        window_seconds: windowSeconds,
        banned_at: iso(ban.bannedAt),
        expires_at: iso(ban.expiresAt),
        sip_trunk_ids: trunkIds,
      };
      await recordEvent(tx, { accountId, type: 'sip.source_banned', object, at: ban.bannedAt });
    }
  });
}
