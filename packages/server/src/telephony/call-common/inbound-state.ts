/**
 * Where an inbound INVITE stands, on either backend: no final response yet (`incoming`, or `early`
 * after a 183), our 200 sent and awaiting its ACK (`answering`), the dialog up (`confirmed`), or over.
 */
export type InboundCallState = 'incoming' | 'early' | 'answering' | 'confirmed' | 'terminated';

/** No final response sent yet: the INVITE may still be answered or failed. */
export function awaitingFinal(state: InboundCallState): boolean {
  return state === 'incoming' || state === 'early';
}

/** reject() takes a failure final only: a 2xx is answer()'s, a 1xx no final at all. */
export function checkRejectStatus(status: number): void {
  if (!Number.isInteger(status) || status < 300 || status > 699) throw new RangeError(`reject() needs a 3xx-6xx status, got ${status}`);
}

/** How one backend carries out each way of hanging up an inbound call. */
export interface HangupSteps {
  /** A final failure to the INVITE (a 480). */
  fail(status: number): Promise<void> | void;
  /** Our 200 awaits its ACK: hang up once it came (or timed out, which sends the BYE itself). */
  afterAck(): Promise<void>;
  /** A BYE in the confirmed dialog. */
  bye(): Promise<void>;
}

/** hangup() of an inbound call, the same rules on both backends (RFC 3261 §15). */
export async function hangupInbound(state: InboundCallState, steps: HangupSteps): Promise<void> {
  switch (state) {
    case 'terminated':
      return;
    case 'incoming':
    case 'early':
      // A UAS cannot BYE an early dialog (§15); ending it means a final failure to the INVITE.
      await steps.fail(480);
      return;
    case 'answering':
      // §15: the callee must not send BYE before the ACK (or the 2xx timing out).
      await steps.afterAck();
      return;
    case 'confirmed':
      await steps.bye();
  }
}
