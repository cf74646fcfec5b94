import { iso } from '../clock.js';
import { toE164 } from '../contacts/phone.js';
import type { Deps } from '../deps.js';
import { ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import type { AuthContext } from '../http/auth.js';
import type { Schema } from '../http/contract.js';
import { newId } from '../ids.js';
import { numberHeld } from '../numbers/service.js';
import { DECLARATION_TEXT } from './declaration.js';
import { insertPort, type PortRow } from './store.js';
import { type HistoryEntry, type NumberPort, type OwnershipDeclaration, toNumberPort } from './view.js';

export type PortCreateInput = Schema<'NumberPortCreate'>;

/** Terms 4.2: numbers come to Prolope only on the customer's declaration of lawful ownership or usage rights. */
function checkDeclaration(declaration: PortCreateInput['declaration']): void {
  if (declaration.accepted !== true) {
    throw new ProblemError(
      'declaration_required',
      'Porting needs the ownership declaration (terms 4.2): the signer must declare lawful ownership or usage rights over every number; set declaration.accepted to true.',
      { param: '/body/declaration/accepted' },
    );
  }
}

/** E.164 for each number; two spellings of one number are a mistake worth naming, not merging. */
function normaliseNumbers(inputs: string[]): string[] {
  const seen = new Map<string, number>();
  return inputs.map((input, i) => {
    const number = toE164(input, `/body/numbers/${i}`);
    const first = seen.get(number);
    if (first !== undefined) {
      throw new ProblemError('validation_failed', `numbers[${i}] (${input}) is the same number as numbers[${first}] (${number}); list each number once.`, {
        param: `/body/numbers/${i}`,
      });
    }
    seen.set(number, i);
    return number;
  });
}

async function refuseHeld(deps: Deps, numbers: string[]): Promise<void> {
  for (const [i, number] of numbers.entries()) {
    if (await numberHeld(deps.db, number)) {
      throw new ProblemError(
        'number_already_held',
        `${number} is already on Prolope, so it cannot be ported in. If your account holds it, it needs no port; remove it from numbers.`,
        { param: `/body/numbers/${i}` },
      );
    }
  }
}

/**
 * Opens a draft porting request with the declaration recorded: who signed, the exact text, when,
 * and with which key. Another account may win a number between now and completion; `complete`
 * checks again.
 */
export async function createPort(deps: Deps, auth: AuthContext, input: PortCreateInput): Promise<NumberPort> {
  checkDeclaration(input.declaration);
  const numbers = normaliseNumbers(input.numbers);
  await refuseHeld(deps, numbers);
  const now = deps.clock.now();
  const at = iso(now);
  const declaration: OwnershipDeclaration = { signer_name: input.declaration.signer_name, text: DECLARATION_TEXT, accepted_at: at, api_key_id: auth.keyId };
  const history: HistoryEntry[] = [{ status: 'draft', at }];
  const row: PortRow = {
    id: newId('numberPort', now),
    account_id: auth.accountId,
    numbers: JSON.stringify(numbers),
    losing_carrier: input.losing_carrier,
    status: 'draft',
    declaration: JSON.stringify(declaration),
    foc_date: null,
    rejection_reason: null,
    history: JSON.stringify(history),
    created_at: at,
    updated_at: at,
  };
  const port = toNumberPort(row, []);
  await deps.db.transaction().execute(async (tx) => {
    await insertPort(tx, row);
    await recordEvent(tx, { accountId: row.account_id, type: 'number_port.updated', object: port, at: now });
  });
  return port;
}
