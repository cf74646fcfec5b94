import type { Clock } from '../../clock.js';
import { challengeHeaders, type NonceIssuer, parseDigestCredentials, verifyDigestCredentials } from './digest-auth.js';
import { parseNameAddr, splitCommaList, uriHostPort, uriUser } from './header-values.js';
import type { BindingSet, RegistrarBinding, RegistrarDirectory, RegistrarPolicy } from '../backend.js';
import type { Endpoint } from './responses.js';
import { getHeader, getHeaders, type SipRequest } from './sip-message.js';

export interface RegisterDeps {
  directory: RegistrarDirectory;
  policy: RegistrarPolicy;
  nonces: NonceIssuer;
  clock: Clock;
  /** Counts a failed authentication against the source (SourceGuard). */
  authFailed?(address: string): void;
}

export interface RegisterAnswer {
  status: number;
  reason?: string;
  headers: Array<[string, string]>;
}

/**
 * A REGISTER, processed as RFC 3261 §10.3 says: digest authentication in the To domain's realm (MD5 or
 * SHA-256), then each Contact's expiration (its `expires` parameter, else the Expires header, else the
 * default; under the minimum 423, over the maximum cut down), `*` with Expires 0 removing every binding,
 * Call-ID and CSeq ordering, and at most `maxContacts` bindings. The 200 lists every current binding.
 */
export async function processRegister(req: SipRequest, source: Endpoint, deps: RegisterDeps): Promise<RegisterAnswer> {
  const aor = uriHostPort(req.to.uri);
  const username = uriUser(req.to.uri);
  if (!aor || !username) return { status: 404, headers: [] };
  const realm = aor.host.toLowerCase();

  const authorizations = [...getHeaders(req, 'authorization'), ...getHeaders(req, 'proxy-authorization')];
  const all = authorizations.map(parseDigestCredentials).filter((c) => c !== undefined);
  const creds = all.find((c) => c.realm === realm) ?? all[0];
  const challenge = (stale: boolean): RegisterAnswer => ({
    status: 401,
    headers: challengeHeaders(deps.nonces.issue(source.address), stale, realm)
      .filter((v) => deps.policy.algorithms.some((alg) => v.includes(`algorithm=${alg},`)))
      .map((v) => ['WWW-Authenticate', v] as [string, string]),
  });
  // Unknown users are challenged like known ones, so a REGISTER tells nobody which usernames exist.
  if (!creds) return challenge(false);
  if (deps.nonces.check(creds.nonce, source.address) === 'stale') return challenge(true);
  const user = creds.username === username ? await deps.directory.findUser(realm, username) : undefined;
  if (!user || !verifyDigestCredentials(creds, user.ha1, { method: 'REGISTER', uri: req.uri, source: source.address }, deps.nonces, realm)) {
    deps.authFailed?.(source.address);
    return { status: 403, headers: [] };
  }

  const contacts = getHeaders(req, 'contact').flatMap(splitCommaList);
  const expiresHeader = getHeader(req, 'expires');
  const requestExpires = expiresHeader === undefined ? undefined : seconds(expiresHeader);
  if (expiresHeader !== undefined && requestExpires === undefined) return { status: 400, reason: 'Bad Expires', headers: [] };
  const existing = await deps.directory.bindings(user.id);
  if (contacts.length === 0) return ok(existing, deps.clock.now());

  if (contacts.some((c) => c === '*')) {
    // §10.3 step 6: `*` only alone and with Expires: 0.
    if (contacts.length !== 1 || requestExpires !== 0) return { status: 400, reason: 'Invalid wildcard Contact', headers: [] };
    if (existing.some((b) => b.callId === req.callId && b.cseq >= req.cseq.seq)) return { status: 500, reason: 'Out of order', headers: [] };
    return ok((await deps.directory.update(user.id, { set: [], remove: existing.map((b) => b.contact) }, user.maxContacts)) ?? [], deps.clock.now());
  }

  const now = deps.clock.now();
  const set: BindingSet[] = [];
  const remove: string[] = [];
  for (const raw of contacts) {
    const parsed = parseNameAddr(raw);
    if (!parsed) return { status: 400, reason: 'Bad Contact', headers: [] };
    const param = parsed.params.expires;
    const asked = param === undefined ? (requestExpires ?? deps.policy.defaultExpires) : seconds(param);
    if (asked === undefined) return { status: 400, reason: 'Bad Contact expires', headers: [] };
    if (asked > 0 && asked < deps.policy.minExpires) return { status: 423, headers: [['Min-Expires', String(deps.policy.minExpires)]] };
    const prior = existing.find((b) => b.contact === parsed.uri);
    // §10.3 step 7: a request older than the one that set the binding changes nothing.
    if (prior && prior.callId === req.callId && prior.cseq >= req.cseq.seq) return { status: 500, reason: 'Out of order', headers: [] };
    if (asked === 0) {
      if (prior) remove.push(parsed.uri);
      continue;
    }
    const expires = Math.min(asked, deps.policy.maxExpires);
    set.push({
      contact: parsed.uri,
      callId: req.callId,
      cseq: req.cseq.seq,
      expiresAt: new Date(now.getTime() + expires * 1000),
      source,
      transport: req.vias[0]?.transport ?? 'UDP',
      userAgent: getHeader(req, 'user-agent'),
    });
  }
  const bindings = await deps.directory.update(user.id, { set, remove }, user.maxContacts);
  if (!bindings) return { status: 403, reason: 'Too many registrations', headers: [] };
  return ok(bindings, now);
}

function seconds(value: string): number | undefined {
  const v = value.trim();
  if (!/^\d{1,10}$/.test(v)) return undefined;
  return Math.min(Number(v), 2 ** 32 - 1);
}

/** The 200: every current binding with the seconds it has left (§10.3 step 8). */
function ok(bindings: RegistrarBinding[], now: Date): RegisterAnswer {
  const headers: Array<[string, string]> = bindings.map((b) => ['Contact', `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt.getTime() - now.getTime()) / 1000))}`]);
  headers.push(['Date', now.toUTCString()]);
  return { status: 200, headers };
}
