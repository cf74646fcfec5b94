import { describe, expect, it } from 'vitest';
import { ProblemError } from '../errors.js';
import { assertDocumentsOpen, nextStatus, type PortAction, type PortStatus, portActions, portStatuses } from './transitions.js';

// The whole machine as a table: every (status, action) pair not listed here must be refused.
const allowed: Record<string, PortStatus> = {
  'draft submit': 'submitted',
  'draft cancel': 'cancelled',
  'submitted cancel': 'cancelled',
  'foc_set cancel': 'cancelled',
  'submitted set_foc': 'foc_set',
  'foc_set complete': 'completed',
  'submitted reject': 'rejected',
  'foc_set reject': 'rejected',
};

const pairs = portStatuses.flatMap((status) => portActions.map((action) => [status, action] as [PortStatus, PortAction]));

function problemOf(fn: () => unknown): ProblemError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProblemError) return err;
    throw err;
  }
  throw new Error('expected a ProblemError');
}

describe('number port transitions', () => {
  it('covers every pair', () => {
    expect(pairs).toHaveLength(30);
  });

  it.each(pairs)('%s + %s', (status, action) => {
    const expected = allowed[`${status} ${action}`];
    if (expected) {
      expect(nextStatus(status, action, { hasLetterOfAuthorization: true })).toBe(expected);
      return;
    }
    const problem = problemOf(() => nextStatus(status, action, { hasLetterOfAuthorization: true }));
    expect(problem.code).toBe('port_transition_not_allowed');
    expect(problem.status).toBe(409);
    expect(problem.message).toMatch(new RegExp(`^Cannot .+ a porting request that is ${status}; allowed from: [a-z_, ]+\\.$`));
  });

  it('refuses to submit without a letter of authorization', () => {
    const problem = problemOf(() => nextStatus('draft', 'submit', { hasLetterOfAuthorization: false }));
    expect(problem.code).toBe('port_document_required');
    expect(problem.status).toBe(422);
  });

  it('names the status first: a non-draft without a letter is a transition problem, not a missing document', () => {
    expect(problemOf(() => nextStatus('completed', 'submit', { hasLetterOfAuthorization: false })).code).toBe('port_transition_not_allowed');
  });

  it('says where an action is allowed from', () => {
    expect(problemOf(() => nextStatus('draft', 'complete', { hasLetterOfAuthorization: true })).message).toBe(
      'Cannot complete a porting request that is draft; allowed from: foc_set.',
    );
    expect(problemOf(() => nextStatus('completed', 'cancel', { hasLetterOfAuthorization: true })).message).toBe(
      'Cannot cancel a porting request that is completed; allowed from: draft, submitted, foc_set.',
    );
  });

  it.each(portStatuses)('documents can be added only to a draft (%s)', (status) => {
    if (status === 'draft') expect(() => assertDocumentsOpen(status)).not.toThrow();
    else
      expect(problemOf(() => assertDocumentsOpen(status)).message).toBe(`Cannot add a document to a porting request that is ${status}; allowed from: draft.`);
  });
});
