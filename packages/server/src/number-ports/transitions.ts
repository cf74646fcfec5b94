import { ProblemError } from '../errors.js';

/**
 * The porting request's state machine, as data and one pure function: no store, no clock. The
 * service asks it before writing, so every rule lives here and is tested pair by pair.
 */

export const portStatuses = ['draft', 'submitted', 'foc_set', 'completed', 'rejected', 'cancelled'] as const;
export type PortStatus = (typeof portStatuses)[number];

export const portActions = ['submit', 'cancel', 'set_foc', 'complete', 'reject'] as const;
export type PortAction = (typeof portActions)[number];

interface Rule {
  from: readonly PortStatus[];
  to: PortStatus;
  /** Who may ask; enforced by the operation's scope in the spec, kept here as documentation. */
  by: 'customer' | 'operator';
  /** How the action reads in "Cannot <verb> a porting request that is <status>". */
  verb: string;
}

export const transitionRules: Record<PortAction, Rule> = {
  submit: { from: ['draft'], to: 'submitted', by: 'customer', verb: 'submit' },
  // The customer may withdraw until the losing carrier has actually released the numbers.
  cancel: { from: ['draft', 'submitted', 'foc_set'], to: 'cancelled', by: 'customer', verb: 'cancel' },
  set_foc: { from: ['submitted'], to: 'foc_set', by: 'operator', verb: 'set the FOC date of' },
  complete: { from: ['foc_set'], to: 'completed', by: 'operator', verb: 'complete' },
  reject: { from: ['submitted', 'foc_set'], to: 'rejected', by: 'operator', verb: 'reject' },
};

/** Facts about the request that some transitions depend on, gathered by the caller. */
export interface TransitionFacts {
  hasLetterOfAuthorization: boolean;
}

function notAllowed(verb: string, status: PortStatus, from: readonly PortStatus[]): ProblemError {
  return new ProblemError('port_transition_not_allowed', `Cannot ${verb} a porting request that is ${status}; allowed from: ${from.join(', ')}.`);
}

/** The status after `action`, or a problem saying why the request cannot take it. */
export function nextStatus(status: PortStatus, action: PortAction, facts: TransitionFacts): PortStatus {
  const rule = transitionRules[action];
  if (!rule.from.includes(status)) throw notAllowed(rule.verb, status, rule.from);
  // The losing carrier will not release numbers without the customer's signed authorization,
  // so a submission without one would only come back rejected.
  if (action === 'submit' && !facts.hasLetterOfAuthorization) {
    throw new ProblemError(
      'port_document_required',
      'Upload a letter of authorization first (POST /v1/number-ports/{id}/documents with kind letter_of_authorization), then submit.',
    );
  }
  return rule.to;
}

/** Documents can be added only while the request is a draft: after submission the carrier has the file. */
export function assertDocumentsOpen(status: PortStatus): void {
  if (status !== 'draft') throw notAllowed('add a document to', status, ['draft']);
}

/** For the rare race where the request moved between reading and writing it, to a status the rules could not name. */
export function changedMeanwhile(): ProblemError {
  return new ProblemError('port_transition_not_allowed', 'The porting request changed while this request was being handled; retrieve it and try again.');
}
