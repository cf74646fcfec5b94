import { type Clock, systemClock } from '../clock.js';

/** When failed digest authentications from one source address ban it (fail2ban-like). */
export interface SourceGuardOptions {
  /** Failures within `windowMs` that ban the source; 0 turns banning off. */
  maxFailures: number;
  /** The sliding window failures are counted in. */
  windowMs: number;
  /** How long a ban lasts. */
  banMs: number;
  clock?: Clock;
  /** Called once per ban, when it starts (the server records `sip.source_banned`). */
  onBan?: (ban: SourceBan) => void;
  /** Addresses tracked at once before the oldest are forgotten, so a spoofed-source flood cannot grow memory without bound. */
  maxTracked?: number;
}

/** One ban of a source address. */
export interface SourceBan {
  address: string;
  /** Failures counted in the window when the ban started. */
  failures: number;
  bannedAt: Date;
  expiresAt: Date;
}

/**
 * Throttles digest guessing per source address, shared by both telephony backends: the calls domain
 * reports each failed authentication, and once a source has `maxFailures` of them within `windowMs` it
 * is banned for `banMs` — the embedded endpoint then drops its new requests unanswered (a guesser
 * learns nothing and costs us one map lookup), the drachtio adapter answers 403 before any lookup.
 * A success does not reset the count: a guesser behind the same NAT as a working PBX must not be able
 * to wipe its record by letting the PBX call. Written here rather than taken from a library because it
 * is a map and two timestamps per address; fail2ban itself works on log files and firewalls.
 *
 * @example
 * ```ts
 * const guard = new SourceGuard({ maxFailures: 10, windowMs: 60_000, banMs: 600_000, onBan: (b) => log.warn(b) });
 * if (guard.isBanned(source.address)) return; // drop
 * if (!verified) guard.recordFailure(source.address);
 * ```
 */
export class SourceGuard {
  readonly #opts: Required<Omit<SourceGuardOptions, 'onBan'>> & Pick<SourceGuardOptions, 'onBan'>;
  /** Recent failure times per address, oldest first (at most maxFailures kept). */
  readonly #failures = new Map<string, number[]>();
  readonly #bans = new Map<string, SourceBan>();

  constructor(opts: SourceGuardOptions) {
    this.#opts = { clock: systemClock, maxTracked: 100_000, ...opts };
  }

  /** True while `address` is banned. */
  isBanned(address: string): boolean {
    const ban = this.#bans.get(address);
    if (!ban) return false;
    if (this.#now() < ban.expiresAt.getTime()) return true;
    this.#bans.delete(address);
    return false;
  }

  /** Counts one failed authentication; answers the ban when this failure started one. */
  recordFailure(address: string): SourceBan | undefined {
    const { maxFailures, windowMs, banMs, maxTracked } = this.#opts;
    if (maxFailures <= 0 || this.isBanned(address)) return undefined;
    const now = this.#now();
    const recent = (this.#failures.get(address) ?? []).filter((t) => now - t < windowMs);
    recent.push(now);
    // Re-inserted so the Map's order is least recently failed first, which is what gets forgotten.
    this.#failures.delete(address);
    if (recent.length < maxFailures) {
      this.#failures.set(address, recent);
      while (this.#failures.size > maxTracked) this.#failures.delete(this.#failures.keys().next().value as string);
      return undefined;
    }
    const ban: SourceBan = { address, failures: recent.length, bannedAt: new Date(now), expiresAt: new Date(now + banMs) };
    this.#bans.set(address, ban);
    this.#opts.onBan?.(ban);
    return ban;
  }

  /** Addresses with failures on record and bans in force (tests check both stay bounded). */
  stats(): { tracked: number; banned: number } {
    for (const address of [...this.#bans.keys()]) this.isBanned(address);
    return { tracked: this.#failures.size, banned: this.#bans.size };
  }

  #now(): number {
    return this.#opts.clock.now().getTime();
  }
}
