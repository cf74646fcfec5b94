import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './call-fixtures.js';
import type { TestServer } from './harness.js';
import { runSipp, type SippRun } from './sipp.js';

/** SIPp as a box owner's phone subscribing to `message-summary`: no message first, then one new. */
export const MWI_SCENARIO = fileURLToPath(new URL('../voicemail/test-scenarios/subscribe-message-summary.xml', import.meta.url));

/**
 * The owner's phone (SIPp) subscribed to `message-summary` with the counts the other way round from
 * MWI_SCENARIO: one new message first (`Messages-Waiting: yes`), then, once it is heard, none new
 * (`Messages-Waiting: no`, `Voice-Message: 0/1`). Resolves once the server counts the subscription,
 * with SIPp's run to await after the message was heard.
 */
export async function phoneAwaitingHeard(t: TestServer, user: { username: string; password: string; domain: string }, dir: string): Promise<{ run: Promise<SippRun> }> {
  const file = join(dir, `subscribe-heard-${user.username}.xml`);
  writeFileSync(
    file,
    readFileSync(MWI_SCENARIO, 'utf8')
      .replace('regexp="Messages-Waiting: no"', 'regexp="Messages-Waiting: yes"')
      .replace('regexp="Messages-Waiting: yes" search_in="msg" check_it="true" assign_to="second"', 'regexp="Messages-Waiting: no" search_in="msg" check_it="true" assign_to="second"')
      .replace('regexp="Voice-Message: 1/0"', 'regexp="Voice-Message: 0/1"'),
  );
  const before = t.server.sipStats()?.messageSummarySubscriptions ?? 0;
  const { username, password, domain } = user;
  const run = runSipp(file, username, t.server.sipPort!, ['-au', username, '-ap', password, '-auth_uri', `${username}@${domain}`, '-set', 'domain', domain]);
  await eventually(
    async () => t.server.sipStats()?.messageSummarySubscriptions ?? 0,
    (n) => n === before + 1,
  );
  return { run };
}
