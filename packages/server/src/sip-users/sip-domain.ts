/**
 * An account's SIP domain, `<account slug>.<PROLOPE_SIP_DOMAIN>`. Accounts have no name slug, so the
 * slug is the account id without its prefix, lower-cased (a ULID: 26 letters and digits, a valid DNS
 * label). It never changes, which matters because the domain is the digest realm hashed into every stored
 * HA1: a slug that followed the account's name would invalidate its users' passwords on a rename.
 */
export function accountSipDomain(accountId: string, parent: string): string {
  const slug = accountId
    .replace(/^acct_/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  return `${slug}.${parent}`;
}
