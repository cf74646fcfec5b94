import type { InviteTransactionUser } from './client-invite-transaction.js';
import { type Endpoint, newBranch } from './responses.js';
import { getHeader, type SipResponse } from './sip-message.js';

/** The final answer to a re-INVITE we sent: its status and, on 2xx, the SDP answer. */
export interface ReinviteResult {
  status: number;
  reason: string;
  /** The 2xx's SDP (the answer to our offer). */
  sdp: string | undefined;
}

/** What a re-INVITE needs from the SIP core: a client INVITE transaction (as for a first INVITE) and a raw send for the ACK. */
export interface ReinviteCore {
  sendInvite(buf: Buffer, to: Endpoint, branch: string, user: InviteTransactionUser, ackFor: (res: SipResponse) => Buffer): void;
  sendRaw(buf: Buffer, to: Endpoint): void;
}

/**
 * A re-INVITE on an established dialog (RFC 3261 §14.1), for a phone's hold (`a=sendonly`) and resume
 * (`a=sendrecv`): the INVITE goes in its own client transaction; its 2xx is ACKed by us in the dialog
 * (§13.2.2.4, a new branch), a non-2xx by the transaction. `build` makes the dialog's request with the
 * CSeq the caller reserved: the INVITE with the offer, then the ACK (same CSeq number, §13.2.2.4).
 *
 * @example
 * ```ts
 * const result = await sendReinvite(core, destination, (method, branch, body) => inDialog(method, `${cseq} ${method}`, branch, body), holdOffer);
 * result.status; // 200, result.sdp has a=recvonly
 * ```
 */
export function sendReinvite(
  core: ReinviteCore,
  destination: Endpoint,
  build: (method: 'INVITE' | 'ACK', branch: string, sdp?: string) => Buffer,
  offer: string,
): Promise<ReinviteResult> {
  const branch = newBranch();
  return new Promise((resolve) => {
    core.sendInvite(
      build('INVITE', branch, offer),
      destination,
      branch,
      {
        onResponse: (res) => {
          if (res.status < 200) return;
          // The 2xx's ACK is the dialog's (a new branch); a lost one makes the far end resend its 2xx, which we do not ACK again.
          if (res.status < 300) core.sendRaw(build('ACK', newBranch()), destination);
          const ct = getHeader(res, 'content-type');
          const sdp = ct && /^application\/sdp\b/i.test(ct.trim()) && res.body.length > 0 ? res.body.toString('utf8') : undefined;
          resolve({ status: res.status, reason: res.reason, sdp });
        },
        onTimeout: () => resolve({ status: 408, reason: 'no response to the re-INVITE', sdp: undefined }),
      },
      // A non-2xx final's ACK belongs to the transaction: the INVITE's branch.
      () => build('ACK', branch),
    );
  });
}
