import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../errors.js';
import type { OperationInfo } from './operations.js';

/** "This account" or "The parent account acc_…", for a message that names where the standing comes from. */
function whose(req: FastifyRequest): string {
  const from = req.auth?.standing.accountId;
  return from && from !== req.auth?.accountId ? `The parent account ${from}` : 'This account';
}

/**
 * What an account's standing (terms 7.2 and 13.3) lets its keys do, per operation as the spec marks it:
 * a suspended account keeps reads, exports and free writes but not those that cost money
 * (`x-costs-money`); a terminated one keeps only what is marked `x-when-terminated: allowed` (its
 * exports and invoices). The standing is the account row the key was read with, so a change made by the
 * billing jobs in this process shows at once (they drop the key cache), and within seconds elsewhere.
 * A subaccount has the worse of its own standing and its parent's (`auth.standing`).
 */
export function standingGuard(op: OperationInfo) {
  // Callback style: it never waits, and it runs on every authenticated request.
  return function standingHook(req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
    done(refusal(req, op));
  };
}

/** The refusal of a request by its key's standing, or undefined when the standing allows it. */
function refusal(req: FastifyRequest, op: OperationInfo): ProblemError | undefined {
  const standing = req.auth?.standing;
  if (standing?.status === 'terminated' && !op.allowedWhenTerminated) {
    return new ProblemError(
      'account_terminated',
      `${whose(req)}'s agreement ended on ${standing.terminatedOn ?? 'an earlier day'} (terms 13.3): only exports and invoices are still available, for 30 days. Request an export with POST /v1/exports.`,
    );
  }
  if (standing?.status === 'suspended' && op.costsMoney) {
    return new ProblemError(
      'account_suspended',
      `${whose(req)} is suspended: an invoice is more than 20 days overdue (terms 7.2). Reads and exports still work; the overdue invoices (GET /v1/invoices?overdue=true) must be paid to reinstate it.`,
    );
  }
  return undefined;
}
