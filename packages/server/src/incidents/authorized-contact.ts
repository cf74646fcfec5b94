import { ProblemError } from '../errors.js';
import type { Db, Tx } from '../store/db.js';
import type { ContactsTable } from '../store/schema.js';
import { findContactAnywhere } from './store.js';

/**
 * The contact `id` of `accountId` if it may open and act on incidents (terms 6.3: "Only authorized contact
 * persons designated in the service agreement may submit support requests"); else 403 naming the likely mistake.
 */
export async function authorizedContact(db: Db | Tx, accountId: string | undefined, id: string | undefined, field = 'contact'): Promise<ContactsTable> {
  if (!id) {
    throw new ProblemError(
      'contact_not_authorized',
      'Name the authorized contact person acting (terms 6.3) in `contact`: a contact id (ctc_...) with can_open_incidents. List them with GET /v1/contacts.',
      { param: `/body/${field}` },
    );
  }
  const contact = await findContactAnywhere(db, id, accountId);
  if (!contact) {
    throw new ProblemError(
      'contact_not_authorized',
      `${id} is not a contact of this account. Only the authorized contact persons of the service agreement may submit support requests (terms 6.3): list them with GET /v1/contacts, or add one with POST /v1/contacts.`,
      { param: `/body/${field}` },
    );
  }
  if (contact.can_open_incidents !== 1) {
    throw new ProblemError(
      'contact_not_authorized',
      `Contact ${id} (${contact.name}) is not authorized to open incidents (can_open_incidents is false). Name an authorized contact person (terms 6.3), or have an admin set can_open_incidents: true with PATCH /v1/contacts/${id}.`,
      { param: `/body/${field}` },
    );
  }
  return contact;
}
