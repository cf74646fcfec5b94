import type { FastifyRequest } from 'fastify';
import { ProblemError } from '../errors.js';
import type { OperationInfo } from './operations.js';

/**
 * What an account's standing (terms 7.2 and 13.3) lets its keys do, per operation as the spec marks it:
 * a suspended account keeps reads, exports and free writes but not those that cost money
 * (`x-costs-money`); a terminated one keeps only what is marked `x-when-terminated: allowed` (its
 * exports and invoices). The standing is the account row the key was read with, so a change made by the
 * billing jobs in this process shows at once (they drop the key cache), and within seconds elsewhere.
 */
export function standingGuard(op: OperationInfo) {
  return async function standingHook(req: FastifyRequest): Promise<void> {
    const status = req.auth?.account.status;
    if (status === 'terminated' && !op.allowedWhenTerminated) {
      throw new ProblemError(
        'account_terminated',
        `The agreement with this account ended on ${req.auth?.account.terminated_on ?? 'an earlier day'} (terms 13.3): only exports and invoices are still available, for 30 days. Request an export with POST /v1/exports.`,
      );
    }
    if (status === 'suspended' && op.costsMoney) {
      throw new ProblemError(
        'account_suspended',
        'The account is suspended: an invoice is more than 20 days overdue (terms 7.2). Reads and exports still work; pay the overdue invoices (GET /v1/invoices?overdue=true) to be reinstated.',
      );
    }
  };
}
