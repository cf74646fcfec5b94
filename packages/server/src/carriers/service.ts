import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { components, Schema } from '../http/contract.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import type { BodyOf } from '../http/typed-handlers.js';
import { newId } from '../ids.js';
import type { Tx } from '../store/db.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Db } from '../store/db.js';
import { type CarrierTarget, parseCarrierUri } from './carrier-uri.js';
import { type CarrierRow, deleteCarrierRow, enabledCarriers, findCarrier, insertCarrier, updateCarrierRow } from './store.js';

// The request bodies as the spec defines them (one source of truth), not restated here.
/** With the spec's defaults (`enabled`, `priority`) filled in by validation. */
export type CarrierCreate = BodyOf<'carriers.create'>;
export type CarrierPatch = components['schemas']['CarrierUpdate'];

/** The carrier as the API shows it: whether a password is kept, never the password or its sealed form. */
export function toCarrier(row: CarrierRow): Carrier {
  return {
    id: row.id,
    object: 'carrier' as const,
    name: row.name,
    uri: row.uri,
    username: row.username,
    password_set: row.password_sealed !== null,
    priority: row.priority,
    enabled: row.enabled === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type Carrier = Schema<'Carrier'>;

// Sealed with the carrier's id as context: a sealed password copied onto another carrier does not open.
const passwordContext = (id: string) => `carrier:${id}`;
const sealFor = (deps: Pick<Deps, 'secrets'>, id: string, password: string) => deps.secrets.seal(password, passwordContext(id));

function credentialsHalf(given: 'username' | 'password'): ProblemError {
  const other = given === 'username' ? 'password' : 'username';
  return new ProblemError(
    'validation_failed',
    `Digest credentials need both username and password; ${given} came without ${other}. Give both, or neither when the carrier does not challenge.`,
    { param: `/body/${other}` },
  );
}

export async function createCarrier(deps: Deps, operatorAccountId: string, input: CarrierCreate) {
  parseCarrierUri(input.uri);
  if ((input.username === undefined) !== (input.password === undefined)) throw credentialsHalf(input.username === undefined ? 'password' : 'username');
  const now = deps.clock.now();
  const id = newId('carrier', now);
  const row: CarrierRow = {
    id,
    name: input.name,
    uri: input.uri,
    username: input.username ?? null,
    password_sealed: input.password === undefined ? null : sealFor(deps, id, input.password),
    priority: input.priority,
    enabled: input.enabled ? 1 : 0,
    created_at: iso(now),
    updated_at: iso(now),
  };
  const carrier = toCarrier(row);
  await deps.db.transaction().execute(async (tx: Tx) => {
    await insertCarrier(tx, row);
    await recordEvent(tx, { accountId: operatorAccountId, type: 'carrier.created', object: carrier, at: now });
  });
  return carrier;
}

/** The row changes a patch asks for, each checked before anything is written. */
function changesOf(deps: Deps, row: CarrierRow, patch: CarrierPatch): Partial<CarrierRow> {
  const next: Partial<CarrierRow> = {};
  if (patch.uri !== undefined) {
    parseCarrierUri(patch.uri);
    next.uri = patch.uri;
  }
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.priority !== undefined) next.priority = patch.priority;
  if (patch.enabled !== undefined) next.enabled = patch.enabled ? 1 : 0;
  if (patch.username === null) {
    if (patch.password !== undefined) throw credentialsHalf('password');
    next.username = null;
    next.password_sealed = null;
  } else {
    // A new username alone keeps the stored password; a new password alone keeps the username.
    if (patch.username !== undefined && patch.password === undefined && row.password_sealed === null) throw credentialsHalf('username');
    if (patch.password !== undefined && patch.username === undefined && row.username === null) throw credentialsHalf('password');
    if (patch.username !== undefined) next.username = patch.username;
    if (patch.password !== undefined) next.password_sealed = sealFor(deps, row.id, patch.password);
  }
  return next;
}

/** Applies a patch and records `carrier.updated`; the next call uses the carrier as it now is. */
export async function updateCarrier(deps: Deps, operatorAccountId: string, id: string, patch: CarrierPatch) {
  const row = await findCarrier(deps.db, id);
  if (!row) throw notFound('carrier', id);
  const next = changesOf(deps, row, patch);
  const now = deps.clock.now();
  next.updated_at = iso(now);
  const carrier = toCarrier({ ...row, ...next });
  await deps.db.transaction().execute(async (tx: Tx) => {
    if ((await updateCarrierRow(tx, id, next)) === 0) throw notFound('carrier', id);
    await recordEvent(tx, { accountId: operatorAccountId, type: 'carrier.updated', object: carrier, at: now });
  });
  return carrier;
}

/** Removes the carrier (calls in progress keep going) and records `carrier.deleted` with it as it was. */
export async function deleteCarrier(deps: Deps, operatorAccountId: string, id: string) {
  const row = await findCarrier(deps.db, id);
  if (!row) throw notFound('carrier', id);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx: Tx) => {
    if ((await deleteCarrierRow(tx, id)) === 0) throw notFound('carrier', id);
    await recordEvent(tx, { accountId: operatorAccountId, type: 'carrier.deleted', object: toCarrier(row), at: now });
  });
  return { id, object: 'carrier' as const, deleted: true as const };
}

/** An enabled carrier as outbound calls use it: where to send, and the digest credentials opened. */
export interface DialableCarrier extends CarrierTarget {
  id: string;
  name: string;
  credentials: { username: string; password: string } | undefined;
  /** Set when its stored password does not open with this server's key: the call skips it. */
  unusable?: string;
}

/**
 * The enabled carriers in the order calls try them (priority, then oldest), read per call so a change
 * through the API applies to the next call. A URI that no longer parses is left out and logged.
 */
export async function dialableCarriers(db: Db, secrets: SecretBox, log: { error(obj: object, msg: string): void }): Promise<DialableCarrier[]> {
  const out: DialableCarrier[] = [];
  for (const row of await enabledCarriers(db)) {
    let target: CarrierTarget;
    try {
      target = parseCarrierUri(row.uri);
    } catch (err) {
      log.error({ err, carrierId: row.id }, 'carrier URI is not usable; skipped');
      continue;
    }
    const carrier: DialableCarrier = { id: row.id, name: row.name, ...target, credentials: undefined };
    if (row.username !== null && row.password_sealed !== null) {
      try {
        carrier.credentials = { username: row.username, password: secrets.open(row.password_sealed, passwordContext(row.id)) };
      } catch (err) {
        log.error({ err, carrierId: row.id }, 'carrier password cannot be opened with this server key');
        carrier.unusable = "its stored password cannot be read with this server's secret key";
      }
    }
    out.push(carrier);
  }
  return out;
}
