import { describe, expect, it } from 'vitest';
import { manualClock } from '../../clock.js';
import { eventually, explain, rtpSink, scenario } from '../../test/call-fixtures.js';
import { verify } from '@prolope/webhooks';
import { callSuite, reply } from '../../test/call-suite.js';
import { storeKinds } from '../../test/harness.js';
import { newSipUser, registerSipUser } from '../../test/sip-user-fixtures.js';
import { freeUdpPort, requireSipp, runSipp, SIPP, type SippRun, startSippUas } from '../../test/sipp.js';

/**
 * Published flows answering real SIP calls on the embedded backend (issue 18 items 2 and 6), SIPp as
 * the caller (its DTMF an RFC 4733 pcap) and as the carrier's far end. Every wait is on a SIPp run
 * ending or a row appearing; the server's clock is a manual one, set to a holiday for the closed case.
 */
requireSipp('flows on live calls');

describe.skipIf(!SIPP).each(storeKinds)('a number routed to a flow, SIPp as caller and transfer target (%s)', (kind) => {
  // Friday 25 December 2026, 11:00 in Sofia: inside the weekly hours, but Christmas Day.
  const clock = manualClock('2026-12-25T09:00:00Z');
  const suite = callSuite(kind, { name: 'flw', numberBase: 8_780_000, carrier: true, clock });
  const support = kind === 'postgres' ? '+35929990312' : '+35929990212';

  async function ok(run: SippRun | Promise<SippRun>): Promise<void> {
    const done = await run;
    expect(done.code, explain(done)).toBe(0);
  }

  /** Creates the flow, publishes each definition in turn (revisions 1, 2, ...), and answers its id. */
  async function publishedFlow(...definitions: unknown[]): Promise<string> {
    const { c } = suite;
    const flow = (await c.api.post('/v1/flows', { name: 'Main line', definition: definitions[0] })).body as { id: string };
    for (const definition of definitions) {
      expect((await c.api.patch(`/v1/flows/${flow.id}`, { definition })).status).toBe(200);
      const published = await c.api.post(`/v1/flows/${flow.id}/publish`);
      expect(published.status, JSON.stringify(published.body)).toBe(201);
    }
    return flow.id;
  }

  async function routedNumber(route: unknown): Promise<string> {
    const number = suite.fresh();
    await suite.buy(number);
    const res = await suite.c.api.patch(`/v1/numbers/${number}`, { route });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return number;
  }

  const eventsOf = async (callId: string) =>
    (await suite.t.server.store.db.selectFrom('events').select(['type', 'payload']).where('object_id', '=', callId).orderBy('id').execute()).map((e) => ({
      type: e.type,
      data: JSON.parse(e.payload).data as Record<string, any>,
    }));

  it('the caller presses 2 and is transferred to support (a number through the carrier); the call shows the path it took', async () => {
    const flowId = await publishedFlow({
      start: 'main',
      nodes: {
        main: {
          type: 'menu',
          prompt: { say: 'Welcome. For sales press 1. For support press 2.' },
          choices: [
            { digits: '1', next: 'sales' },
            { digits: '2', next: 'support' },
          ],
          default: 'bye',
        },
        sales: { type: 'say', text: 'Sales is closed today.', next: 'bye' },
        support: { type: 'transfer', to: { type: 'number', number: support }, timeout_seconds: 10, failure: 'sorry' },
        sorry: { type: 'say', text: 'Nobody could take your call.', next: 'bye' },
        bye: { type: 'hangup' },
      },
    });
    const number = await routedNumber({ type: 'flow', flow_id: flowId });
    const sink = await rtpSink();
    try {
      // Support answers, talks a second and hangs up; then the flow is over and Prolope hangs up on the caller.
      const carrier = await startSippUas(scenario('outbound-uas-hangup.xml'), ['-set', 'rtpport', String(sink.port), '-d', '1000'], suite.carrierPort);
      await ok(runSipp(scenario('flow-press-2.xml'), number, suite.sipPort, suite.auth(number)));
      await ok(carrier.done);
    } finally {
      sink.socket.close();
    }
    const call = await suite.callTo(number, (x) => x?.ended_at != null);
    const shown = (await suite.c.api.get(`/v1/calls/${call?.id}`)).body;
    expect(shown).toMatchObject({ status: 'completed', hangup_by: 'callee', flow: { flow_id: flowId, revision: 1, path: ['main', 'support'] } });
    const legs = (await suite.c.api.get(`/v1/calls?parent_call_id=${call?.id}`)).body.data as Array<Record<string, any>>;
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({ direction: 'outbound', to: support, from: number, status: 'completed', sip_code: 200 });
    const events = await eventsOf(call?.id);
    expect(events.find((e) => e.type === 'call.gather.completed')?.data).toMatchObject({ digits: '2' });
    expect(events.find((e) => e.type === 'call.completed')?.data.object.flow).toEqual({ flow_id: flowId, revision: 1, path: ['main', 'support'] });
  });

  it('on a holiday the business-hours node takes the closed branch: the caller leaves a message in the box', async () => {
    const { c } = suite;
    const box = (
      await c.api.post('/v1/voicemail-boxes', {
        name: 'After hours',
        pin: '1357',
        greetings: { unavailable: { type: 'tts', text: 'We are closed.' } },
        max_message_seconds: 5,
      })
    ).body;
    const schedule = (
      await c.api.post('/v1/schedules', {
        name: 'Office',
        time_zone: 'Europe/Sofia',
        hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '18:00' }],
        public_holidays: true,
      })
    ).body;
    // The weekly hours say open at 11:00 on a Friday; the holiday closes it.
    expect((await c.api.get(`/v1/schedules/${schedule.id}/status`)).body).toMatchObject({ open: false });
    const flowId = await publishedFlow({
      start: 'hours',
      nodes: {
        hours: { type: 'business_hours', schedule_id: schedule.id, open: 'welcome', closed: 'vm' },
        welcome: { type: 'say', text: 'Welcome.', next: 'bye' },
        vm: { type: 'voicemail', voicemail_box_id: box.id },
        bye: { type: 'hangup' },
      },
    });
    const number = await routedNumber({ type: 'flow', flow_id: flowId });
    await ok(runSipp(scenario('flow-message.xml'), number, suite.sipPort, suite.auth(number)));
    const call = await suite.callTo(number, (x) => x?.ended_at != null);
    expect((await c.api.get(`/v1/calls/${call?.id}`)).body).toMatchObject({
      status: 'completed',
      flow: { flow_id: flowId, revision: 1, path: ['hours', 'vm'] },
    });
    const messages = await eventually(
      async () => (await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data as Array<Record<string, unknown>>,
      (data) => data.length === 1,
    );
    expect(messages[0]).toMatchObject({ call_id: call?.id });
  });

  it('a number pinned to revision 1 keeps running it after revisions 2 and 3 are published; an unpinned one runs the latest (3)', async () => {
    const revision = (n: number) => ({
      start: `r${n}`,
      nodes: {
        [`r${n}`]: { type: 'say', text: `This is revision ${n} of the main line. Thank you for calling. Goodbye.`, next: 'bye' },
        bye: { type: 'hangup' },
      },
    });
    const flowId = await publishedFlow(revision(1));
    const pinned = await routedNumber({ type: 'flow', flow_id: flowId, revision: 1 });
    const latest = await routedNumber({ type: 'flow', flow_id: flowId });
    const second = await suite.c.api.post(`/v1/flows/${flowId}/publish`, undefined);
    expect(second.status).toBe(201);
    // The draft published as revision 2 is still revision 1's document; change it and publish 3.
    // Revision 3 also opts in to flow.node.entered events.
    expect((await suite.c.api.patch(`/v1/flows/${flowId}`, { definition: { ...revision(3), node_events: true } })).status).toBe(200);
    expect((await suite.c.api.post(`/v1/flows/${flowId}/publish`)).body).toMatchObject({ revision: 3 });
    for (const number of [pinned, latest]) await ok(runSipp(scenario('flow-press-2.xml'), number, suite.sipPort, suite.auth(number)));
    const pinnedCall = await suite.callTo(pinned, (x) => x?.ended_at != null);
    const latestCall = await suite.callTo(latest, (x) => x?.ended_at != null);
    expect(pinnedCall?.flow).toEqual({ flow_id: flowId, revision: 1, path: ['r1', 'bye'] });
    expect(latestCall?.flow).toEqual({ flow_id: flowId, revision: 3, path: ['r3', 'bye'] });
    const nodeEvents = async (callId: string) => (await eventsOf(callId)).filter((e) => e.type === 'flow.node.entered').map((e) => e.data);
    expect(await nodeEvents(pinnedCall?.id)).toEqual([]);
    const entered = await nodeEvents(latestCall?.id);
    expect(entered.map(({ flow_id, revision, node }) => ({ flow_id, revision, node }))).toEqual([
      { flow_id: flowId, revision: 3, node: 'r3' },
      { flow_id: flowId, revision: 3, node: 'bye' },
    ]);
    // Each event's call already shows the path up to its node.
    expect(entered.map((e) => e.object.flow.path)).toEqual([['r3'], ['r3', 'bye']]);
  });

  it('the caller hanging up during the menu ends the run: the path stops at the menu, nothing is transferred', async () => {
    const flowId = await publishedFlow({
      start: 'main',
      nodes: {
        main: {
          type: 'menu',
          prompt: { say: 'Welcome to the main line. For sales press 1. For support press 2. To hear this again, stay on the line.' },
          choices: [{ digits: '2', next: 'support' }],
          default: 'bye',
        },
        support: { type: 'transfer', to: { type: 'number', number: support } },
        bye: { type: 'hangup' },
      },
    });
    const number = await routedNumber({ type: 'flow', flow_id: flowId });
    await ok(runSipp(scenario('flow-caller-bye.xml'), number, suite.sipPort, suite.auth(number, { rtpport: await freeUdpPort(), codec: '8' })));
    const call = await suite.callTo(number, (x) => x?.ended_at != null);
    expect(call).toMatchObject({ status: 'completed', hangup_by: 'caller', flow: { flow_id: flowId, revision: 1, path: ['main'] } });
    expect((await suite.c.api.get(`/v1/calls?parent_call_id=${call?.id}`)).body.data).toEqual([]);
  });

  it('a speech-only menu is no input until a recognizer is wired; http nodes ask the customer signed, save the answer, and a 500 takes failure', async () => {
    const { app } = suite;
    app.routes.set('/flow/lookup', { customer: { tier: 'gold' } });
    app.routes.set('/flow/broken', reply(500, { error: 'down for maintenance' }));
    const flowId = await publishedFlow({
      start: 'ask',
      nodes: {
        ask: {
          type: 'menu',
          prompt: { say: 'Say billing or sales.' },
          input: ['speech'],
          choices: [{ phrases: ['billing'], next: 'billing' }],
          timeout_seconds: 1,
          max_attempts: 1,
          default: 'lookup',
        },
        billing: { type: 'say', text: 'Billing.', next: 'bye' },
        lookup: {
          type: 'http',
          url: `${app.base}/flow/lookup`,
          body: { caller: '{{call.from}}' },
          save: { tier: '/customer/tier' },
          next: 'tier',
          failure: 'down',
        },
        tier: { type: 'say', text: 'Your tier is {{tier}}.', next: 'second' },
        second: { type: 'http', url: `${app.base}/flow/broken`, body: { tier: '{{tier}}' }, next: 'bye', failure: 'down' },
        down: { type: 'say', text: 'Our systems are down.', next: 'bye' },
        bye: { type: 'hangup' },
      },
    });
    const number = await routedNumber({ type: 'flow', flow_id: flowId });
    // A voice application on the number gives it the signing secret the flow's requests are signed with.
    expect((await suite.c.api.patch(`/v1/numbers/${number}`, { voice: { url: `${app.base}/voice/unused` } })).status).toBe(200);
    const secret = (await suite.c.api.get(`/v1/numbers/${number}`)).body.voice.signing_secret as string;
    await ok(runSipp(scenario('flow-press-2.xml'), number, suite.sipPort, suite.auth(number)));
    const call = await suite.callTo(number, (x) => x?.ended_at != null);
    expect(call?.flow).toEqual({ flow_id: flowId, revision: 1, path: ['ask', 'lookup', 'tier', 'second', 'down', 'bye'] });
    const lookup = app.requests.find((r) => r.path === '/flow/lookup');
    expect(lookup).toMatchObject({ method: 'POST', body: { caller: suite.from } });
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(lookup?.headers[h] ?? '')]));
    expect(() => verify(lookup?.raw ?? '', headers, secret)).not.toThrow();
    // The answer's field was saved: the next request carries it.
    expect(app.requests.filter((r) => r.path === '/flow/broken').map((r) => r.body)).toEqual([{ tier: 'gold' }]);
    // The number's voice application itself was never asked: the route answered the call.
    expect(app.requests.filter((r) => r.path === '/voice/unused')).toEqual([]);
  });

  it('the caller presses 2 and is transferred to a SIP user: their registered phone (SIPp) rings, answers and hangs up', async () => {
    const { c, t } = suite;
    const agent = await newSipUser(c.api, '752');
    const flowId = await publishedFlow({
      start: 'main',
      nodes: {
        main: { type: 'menu', prompt: { say: 'For an agent press 2.' }, choices: [{ digits: '2', next: 'agent' }], default: 'bye' },
        agent: { type: 'transfer', to: { type: 'sip_user', sip_user_id: agent.id }, timeout_seconds: 10, failure: 'bye' },
        bye: { type: 'hangup' },
      },
    });
    const number = await routedNumber({ type: 'flow', flow_id: flowId });
    const port = await freeUdpPort();
    await registerSipUser(t.server.sipPort as number, agent, port);
    const phone = await startSippUas(scenario('user-phone-answer-hangup.xml'), ['-set', 'rtpport', String(await freeUdpPort())], port);
    try {
      await ok(runSipp(scenario('flow-press-2.xml'), number, suite.sipPort, suite.auth(number)));
      await ok(phone.done);
    } finally {
      phone.stop();
    }
    const call = await suite.callTo(number, (x) => x?.ended_at != null);
    expect(call).toMatchObject({ status: 'completed', flow: { flow_id: flowId, revision: 1, path: ['main', 'agent'] } });
    const legs = (await c.api.get(`/v1/calls?parent_call_id=${call?.id}`)).body.data as Array<Record<string, any>>;
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({ to: '752', status: 'completed', sip_code: 200 });
  });
});
