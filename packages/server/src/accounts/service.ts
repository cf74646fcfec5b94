import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import type { AuthContext } from '../http/auth.js';
import { newId } from '../ids.js';
import { hashSecret } from '../http/api-key-secret.js';
import { createKeyInTx } from '../api-keys/service.js';
import type { Schema } from '../http/contract.js';
import type { Tx } from '../store/db.js';
import { type AccountRow, findAccount, findOperatorAccount, insertAccount, updateAccountRow } from './store.js';

// Other domains find the operator through this service (SIP bans are its events), never through store.ts.
export { findOperatorAccount } from './store.js';

export type LegalEntity = Schema<'LegalEntity'>;
export type AccountInput = Schema<'AccountCreate'>;
export type Account = Schema<'Account'>;

// The view of an account row the key cache holds, made once per row object: GET /v1/accounts/me
// would otherwise parse the same three JSON columns on every request (bench/api). Keyed by the row
// object itself, so a refreshed cache entry (a new row) gets a fresh view and nothing is shared
// between server instances; answers are serialized, never changed, so one object can serve them all.
const viewsOfCachedRows = new WeakMap<AccountRow, Account>();

/** `toAccount` of the account row a key was read with (`req.auth.account`), parsed once per cached row. */
export function accountOfKey(row: AccountRow): Account {
  let view = viewsOfCachedRows.get(row);
  if (!view) {
    view = toAccount(row);
    viewsOfCachedRows.set(row, view);
  }
  return view;
}

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    object: 'account',
    name: row.name,
    legal_entity: JSON.parse(row.legal_entity) as LegalEntity,
    signatory: JSON.parse(row.signatory) as Schema<'Signatory'>,
    parent_account_id: row.parent_account_id,
    status: row.status as Account['status'],
    test_clock: row.test_clock_id,
    holds: { suspension: row.hold_suspension === 1, termination: row.hold_termination === 1 },
    terminated_on: row.terminated_on,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Terms section 3: the person signing must be 18 or over and have authority to bind the customer. */
export function checkSignatory(s: AccountInput['signatory']): void {
  if (s.confirms_age_18_or_over !== true) {
    throw new ProblemError(
      'signatory_confirmation_required',
      'The signatory must confirm being at least 18 years old (terms section 3): set signatory.confirms_age_18_or_over to true.',
      {
        param: '/body/signatory/confirms_age_18_or_over',
      },
    );
  }
  if (s.confirms_authority !== true) {
    throw new ProblemError(
      'signatory_confirmation_required',
      'The signatory must confirm the legal authority to accept the terms for the customer (terms section 3): set signatory.confirms_authority to true.',
      {
        param: '/body/signatory/confirms_authority',
      },
    );
  }
}

async function insertNewAccount(tx: Tx, now: Date, input: AccountInput, parentId: string | null, isOperator: boolean): Promise<AccountRow> {
  const row: AccountRow = {
    id: newId('account', now),
    name: input.name,
    legal_entity: JSON.stringify(input.legal_entity),
    signatory: JSON.stringify({
      name: input.signatory.name,
      email: input.signatory.email,
      confirmed_age_18_or_over: true,
      confirmed_authority: true,
      confirmed_at: iso(now),
    }),
    parent_account_id: parentId,
    status: 'active',
    is_operator: isOperator ? 1 : 0,
    metadata: JSON.stringify(input.metadata ?? {}),
    created_at: iso(now),
    updated_at: iso(now),
    test_clock_id: input.test_clock ?? null,
    hold_suspension: 0,
    hold_termination: 0,
    terminated_on: null,
    billed_through: null,
    data_deleted_at: null,
  };
  await insertAccount(tx, row);
  return row;
}

/**
 * The operator creates top-level accounts; a customer creates subaccounts under itself (one level,
 * as Twilio allows). Prolope issues the first credentials (terms section 3): an `admin` key.
 */
export async function createAccount(deps: Deps, auth: AuthContext, input: AccountInput): Promise<Schema<'AccountCreated'>> {
  checkSignatory(input.signatory);
  if (!auth.isOperator && auth.parentAccountId) {
    throw new ProblemError('forbidden', 'A subaccount cannot create subaccounts; use a key of the parent account.');
  }
  const parentId = auth.isOperator ? null : auth.accountId;
  const now = deps.clock.now();
  if (input.test_clock) {
    const clock = await deps.db
      .selectFrom('test_clocks')
      .select('id')
      .where('id', '=', input.test_clock)
      .where('account_id', '=', auth.accountId)
      .executeTakeFirst();
    if (!clock) {
      throw new ProblemError(
        'test_clock_not_found',
        `No test clock ${input.test_clock} on this account: create one with POST /v1/test-clocks, using a key of the same account.`,
        {
          param: '/body/test_clock',
        },
      );
    }
  }
  return deps.db.transaction().execute(async (tx) => {
    const row = await insertNewAccount(tx, now, input, parentId, false);
    const account = toAccount(row);
    await recordEvent(tx, {
      accountId: row.id,
      type: 'account.created',
      object: account,
      at: now,
    });
    if (parentId)
      await recordEvent(tx, {
        accountId: parentId,
        type: 'account.created',
        object: account,
        at: now,
      });
    const key = await createKeyInTx(tx, now, {
      accountId: row.id,
      name: 'Initial admin key',
      scopes: ['admin'],
    });
    return { ...account, initial_api_key: key };
  });
}

/** The operator sees every account; a customer sees itself and its direct subaccounts. */
export async function visibleAccount(deps: Deps, auth: AuthContext, id: string): Promise<AccountRow> {
  const row = await findAccount(deps.db, id);
  if (!row || !(auth.isOperator || row.id === auth.accountId || row.parent_account_id === auth.accountId)) throw notFound('account', id);
  return row;
}

export async function updateAccount(deps: Deps, auth: AuthContext, id: string, patch: Schema<'AccountUpdate'>): Promise<Account> {
  const row = await visibleAccount(deps, auth, id);
  const now = iso(deps.clock.now());
  const updated = await deps.db.transaction().execute(async (tx) => {
    const next = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.legal_entity !== undefined ? { legal_entity: JSON.stringify(patch.legal_entity) } : {}),
      ...(patch.metadata !== undefined ? { metadata: JSON.stringify(patch.metadata) } : {}),
      updated_at: now,
    };
    await updateAccountRow(tx, row.id, next);
    return toAccount({ ...row, ...next });
  });
  deps.auth.invalidateAccount(row.id);
  return updated;
}

const OPERATOR_ENTITY: AccountInput = {
  name: 'Prolope platform operator',
  legal_entity: {
    type: 'company',
    legal_name: 'PROLOPE GROUP',
    country: 'BG',
    address: 'Str. Zagradena Polyana 9, 1151 Sofia',
  },
  signatory: {
    name: 'Prolope operator',
    email: 'operator@prolope.invalid',
    confirms_age_18_or_over: true,
    confirms_authority: true,
  },
};

/**
 * Makes sure the platform operator exists. With a fixed key (PROLOPE_OPERATOR_KEY) that key is
 * registered if new; on an empty store without one, a key is created and returned so it can be
 * printed once. Returns the new secret, if one was made.
 */
export async function ensureOperator(deps: Pick<Deps, 'db' | 'clock'>, fixedKey: string | undefined): Promise<{ accountId: string; createdSecret?: string }> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    let operator = await findOperatorAccount(tx);
    let fresh = false;
    if (!operator) {
      operator = await insertNewAccount(tx, now, OPERATOR_ENTITY, null, true);
      fresh = true;
    }
    if (fixedKey) {
      const known = await tx.selectFrom('api_keys').select('id').where('secret_hash', '=', hashSecret(fixedKey)).executeTakeFirst();
      if (!known)
        await createKeyInTx(tx, now, {
          accountId: operator.id,
          name: 'Operator key (PROLOPE_OPERATOR_KEY)',
          scopes: ['operator', 'admin'],
          secret: fixedKey,
        });
      return { accountId: operator.id };
    }
    if (!fresh) return { accountId: operator.id };
    const key = await createKeyInTx(tx, now, {
      accountId: operator.id,
      name: 'Operator key (first start)',
      scopes: ['operator', 'admin'],
    });
    return { accountId: operator.id, createdSecret: key.secret };
  });
}
