import type { DialAnswered, DialFailure, DialOptions, OutboundCall } from '../telephony/backend.js';

/**
 * One leg that rings several devices at once (a SIP user with a desk phone, a softphone and a mobile
 * app): each gets its own INVITE, the first 200 wins, and every other branch is hung up (CANCEL while
 * it rings, BYE should it have answered in the same instant), as a forking proxy does (RFC 3261 §16.7).
 * The calls domain sees one OutboundCall, so the `dial` leg machinery (rows, ringback, bridge) serves it.
 *
 * With no branch at all the outcome is an immediate 480 (the user has no registered device).
 * `onAnswer` learns which branch won (a ring group's CDR names the member whose device it was).
 */
export function forkCall(dial: (o: DialOptions) => OutboundCall, branches: DialOptions[], onAnswer?: (branch: number) => void): OutboundCall {
  const calls = branches.map((b) => dial(b));
  const progress: Array<(status: number) => void> = [];
  let winner: OutboundCall | undefined;
  for (const c of calls) {
    c.onProgress((status) => {
      if (winner) return;
      for (const l of progress) l(status);
    });
  }
  const outcome = new Promise<DialAnswered | DialFailure>((resolve) => {
    if (calls.length === 0) {
      resolve({ ok: false, status: 480, reason: 'not registered', local: true });
      return;
    }
    const failures: DialFailure[] = [];
    for (const c of calls) {
      void c.outcome.then((o) => {
        if (o.ok) {
          if (winner) {
            // Answered a moment after another branch: it gets a BYE, its media is not used.
            void o.media.close();
            void c.hangup();
            return;
          }
          winner = c;
          onAnswer?.(calls.indexOf(c));
          for (const other of calls) if (other !== c) void other.hangup();
          resolve(o);
          return;
        }
        failures.push(o);
        if (!winner && failures.length === calls.length) resolve(bestFailure(failures));
      });
    }
  });
  return {
    callId: calls[0]?.callId ?? branches[0]?.callId ?? '',
    outcome,
    onProgress: (l) => void progress.push(l),
    // Each branch tells late listeners of its end too, so a BYE right after the answer is never missed.
    onEnd(l) {
      for (const c of calls) c.onEnd((end) => c === winner && l(end));
    },
    // Only the answered branch has a dialog to send REFER in; the others never reach the handler.
    onTransfer(handler) {
      for (const c of calls) c.onTransfer?.(handler);
    },
    async hangup() {
      await Promise.all((winner ? [winner] : calls).map((c) => c.hangup()));
    },
  };
}

/**
 * What the caller hears when no branch answered (RFC 3261 §16.7 picks the "best" response): busy if a
 * device was busy, else no answer if any rang out, else the first failure.
 */
function bestFailure(failures: DialFailure[]): DialFailure {
  return (
    failures.find((f) => f.status === 486 || f.status === 600) ??
    failures.find((f) => f.status === 480 || f.status === 408) ??
    failures.find((f) => f.status === 487) ??
    (failures[0] as DialFailure)
  );
}
