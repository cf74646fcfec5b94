// The API's LinkDescription and Capacity schemas, written out: this package depends on nothing, so it
// cannot import the generated spec types. packages/sdk/src/rules-match-spec.ts fails the SDK's
// typecheck if they drift from the spec.
/**
 * The customer's link to Prolope, as the API describes it: `type` defaults to `internet` and
 * `static_ip` to `true`, as in the spec.
 *
 * @example
 * ```ts
 * const link: LinkDescription = { type: 'leased_line', bandwidth_kbps: 100_000, delay_ms: 12 };
 * ```
 */
export interface LinkDescription {
  bandwidth_kbps: number;
  /** Round-trip (bidirectional) delay. */
  delay_ms?: number;
  /** Defaults to true. */
  static_ip?: boolean;
  /** Defaults to `internet`. */
  type?: 'internet' | 'leased_line';
}

/**
 * What {@link capacity} returns; the same object as `GET /v1/sip-trunks/{id}/capacity` answers.
 *
 * @example
 * ```ts
 * const { required_kbps, meets, reasons }: CapacityResult = capacity({ lines: 10 });
 * ```
 */
export interface CapacityResult {
  kind: 'ip' | 'web';
  lines: number;
  link: LinkDescription | null;
  /** Null when no link was described. */
  meets: boolean | null;
  object: 'capacity';
  /** 80 for an IP phone line (signalling and voice); 145 for a web phone line (80 plus 65 for the web interface). */
  per_line_kbps: number;
  /** Each rule the link breaks, in words. */
  reasons: {
    message: string;
    rule: 'bandwidth' | 'static_ip' | 'leased_line_capacity' | 'leased_line_delay';
  }[];
  required_kbps: number;
}

/**
 * What to check: how many concurrent lines of which kind, and optionally the link they would use.
 *
 * @example
 * ```ts
 * const input: CapacityInput = { lines: 30, kind: 'web', link: { bandwidth_kbps: 5_000 } };
 * ```
 */
export interface CapacityInput {
  /** Concurrent lines: a whole number, at least 1. */
  lines: number;
  /** `ip` phone lines (the default) or `web` phone lines. */
  kind?: 'ip' | 'web' | undefined;
  /** Without a link there is nothing to judge, so `meets` is null. */
  link?: LinkDescription | null | undefined;
}

// Terms 5.3: 80 kbit/s signalling and voice per IP phone line; a web phone line adds 65 kbit/s for the
// web interface.
const PER_LINE_KBPS = { ip: 80, web: 145 } as const;
// Terms 5.3: a leased line needs at least 100 Mbit/s and at most 20 ms bidirectional delay.
const LEASED_LINE_MIN_KBPS = 100_000;
const LEASED_LINE_MAX_DELAY_MS = 20;

type Reason = CapacityResult['reasons'][number];

// Thousands separators by hand rather than toLocaleString, so messages read the same in every runtime
// and locale (the SDK also runs in browsers and edge workers).
function kbps(n: number): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} kbit/s`;
}

/** The link with the spec's defaults filled in, so the answer says what was actually judged. */
function withDefaults(link: LinkDescription): LinkDescription {
  return {
    type: link.type ?? 'internet',
    bandwidth_kbps: link.bandwidth_kbps,
    ...(link.delay_ms !== undefined ? { delay_ms: link.delay_ms } : {}),
    static_ip: link.static_ip ?? true,
  };
}

function reasonsFor(link: LinkDescription, lines: number, kind: 'ip' | 'web', required: number): Reason[] {
  const reasons: Reason[] = [];
  if (link.bandwidth_kbps < required) {
    const what = `${lines} ${kind === 'web' ? 'web' : 'IP'} phone line${lines === 1 ? '' : 's'}`;
    reasons.push({
      rule: 'bandwidth',
      message: `${what} ${lines === 1 ? 'needs' : 'need'} ${kbps(required)} (${PER_LINE_KBPS[kind]} kbit/s each, terms 5.3); this link has ${kbps(link.bandwidth_kbps)}.`,
    });
  }
  if (link.static_ip === false) {
    reasons.push({
      rule: 'static_ip',
      message: 'A static IP address is required for SIP authentication (terms 5.3); this link has none.',
    });
  }
  if (link.type === 'leased_line') {
    if (link.bandwidth_kbps < LEASED_LINE_MIN_KBPS) {
      reasons.push({
        rule: 'leased_line_capacity',
        message: `A leased line must carry at least 100 Mbit/s (${kbps(LEASED_LINE_MIN_KBPS)}, terms 5.3); this one has ${kbps(link.bandwidth_kbps)}.`,
      });
    }
    if (link.delay_ms !== undefined && link.delay_ms > LEASED_LINE_MAX_DELAY_MS) {
      reasons.push({
        rule: 'leased_line_delay',
        message: `A leased line may have at most ${LEASED_LINE_MAX_DELAY_MS} ms bidirectional delay (terms 5.3); this one has ${link.delay_ms} ms.`,
      });
    }
  }
  return reasons;
}

/**
 * The bandwidth Prolope's terms (section 5.3) require for `lines` concurrent lines, and whether a
 * link meets the network rules: enough bandwidth, a static IP, and for a leased line at least
 * 100 Mbit/s with at most 20 ms bidirectional delay. Pure: the API's capacity endpoint, the SDK and
 * the CLI all answer with this one function.
 *
 * A leased line without `delay_ms` is not judged on delay (there is nothing to judge).
 *
 * @throws RangeError when `lines` is not a whole number of at least 1.
 *
 * @example
 * ```ts
 * import { capacity } from '@prolope/sdk';
 *
 * capacity({ lines: 30, kind: 'web' }).required_kbps; // 4350
 *
 * const check = capacity({ lines: 30, link: { type: 'leased_line', bandwidth_kbps: 100_000, delay_ms: 40 } });
 * check.meets; // false
 * check.reasons[0]?.rule; // 'leased_line_delay'
 * ```
 */
export function capacity(input: CapacityInput): CapacityResult {
  const { lines } = input;
  if (!Number.isInteger(lines) || lines < 1) throw new RangeError(`lines must be a whole number of at least 1, not ${lines}.`);
  const kind = input.kind ?? 'ip';
  const perLine = PER_LINE_KBPS[kind];
  const required = lines * perLine;
  const link = input.link ? withDefaults(input.link) : null;
  const reasons = link ? reasonsFor(link, lines, kind, required) : [];
  return {
    object: 'capacity',
    lines,
    kind,
    per_line_kbps: perLine,
    required_kbps: required,
    link,
    meets: link ? reasons.length === 0 : null,
    reasons,
  };
}
