import { ProblemError } from '../errors.js';
import type { AuthContext } from '../http/auth.js';
import type { Db, Tx } from '../store/db.js';
import type { ContactsTable } from '../store/schema.js';
import { findContactAnywhere } from './store.js';

function notAuthorized(contact: ContactsTable, param?: string): ProblemError {
  return new ProblemError(
    'contact_not_authorized',
    `Contact ${contact.id} (${contact.name}) is not authorized to open incidents (can_open_incidents is false). Only the authorized contact persons of the service agreement may submit support requests (terms 6.3): an admin key sets can_open_incidents: true with PATCH /v1/contacts/${contact.id}.`,
    param ? { param } : {},
  );
}

/**
 * The person acting on a customer's incident: the contact whose personal key this is, if it may open and act on
 * incidents (terms 6.3: "Only authorized contact persons designated in the service agreement may submit support
 * requests"). Never a contact named in the body: any key with incidents:write could name anyone (issue 13 item 3).
 */
export async function actingContact(db: Db | Tx, auth: AuthContext): Promise<ContactsTable> {
  if (!auth.contactId) {
    throw new ProblemError(
      'contact_not_authorized',
      'This API key is the account’s, not a person’s: incidents are opened and followed up by an authorized contact person (terms 6.3) with their personal API key. An admin key creates one with POST /v1/api-keys and contact_id: "ctc_…" (a contact with can_open_incidents: true).',
    );
  }
  const contact = await findContactAnywhere(db, auth.contactId, auth.accountId);
  // A deleted contact's keys are revoked with it; this is the race where the key was still cached.
  if (!contact) throw new ProblemError('contact_not_authorized', `Contact ${auth.contactId}, whose personal key this is, no longer exists.`);
  if (contact.can_open_incidents !== 1) throw notAuthorized(contact);
  return contact;
}

/**
 * The operator, opening an incident for a customer who phoned the 24/7 line, names the customer's authorized
 * contact `id` (of any account): that says whose incident it is. Else 403 naming the likely mistake.
 */
export async function namedContact(db: Db | Tx, id: string | undefined): Promise<ContactsTable> {
  if (!id) {
    throw new ProblemError(
      'contact_not_authorized',
      'Name the customer’s authorized contact person who reported it (terms 6.3) in `contact`: a contact id (ctc_...) with can_open_incidents. It says whose incident it is.',
      { param: '/body/contact' },
    );
  }
  const contact = await findContactAnywhere(db, id);
  if (!contact) {
    throw new ProblemError('contact_not_authorized', `There is no contact ${id}: name the customer's authorized contact (ctc_...) who reported it.`, {
      param: '/body/contact',
    });
  }
  if (contact.can_open_incidents !== 1) throw notAuthorized(contact, '/body/contact');
  return contact;
}
