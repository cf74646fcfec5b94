import { beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { eventually, explain, scenario } from '../test/call-fixtures.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { newSipUser, registerSipUser } from '../test/sip-user-fixtures.js';
import { freeUdpPort, requireSipp, runSipp, SIPP, type SippRun, startSippUas } from '../test/sipp.js';

/**
 * A number routed by business hours, end to end on the embedded backend with SIPp as caller and phone:
 * the same number reaches a ring group's member while the schedule is open and a voicemail box while it
 * is closed, the server's clock (a manual one) moved between the calls. Every wait is on a SIPp run
 * ending or a row appearing.
 */
requireSipp('schedule routes');

describe.skipIf(!SIPP).each(storeKinds)('a number routed by a schedule, SIPp as caller and phone (%s)', (kind) => {
  // Wednesday 23 December 2026, 07:00 in Sofia: before opening.
  const clock = manualClock('2026-12-23T05:00:00Z');
  const suite = callSuite(kind, { name: 'sch', numberBase: 8_770_000, clock });
  let t: TestServer;
  let c: CallSuite['c'];
  beforeAll(() => {
    ({ t, c } = suite);
  });

  async function ok(run: SippRun | Promise<SippRun>): Promise<void> {
    const done = await run;
    expect(done.code, explain(done)).toBe(0);
  }

  it('closed: the caller leaves a message in the box; open: the group member’s phone answers; the status endpoint agrees each time', async () => {
    const member = await newSipUser(c.api, '741');
    const group = (await c.api.post('/v1/ring-groups', { name: 'Office', members: [{ sip_user_id: member.id }], timeout_seconds: 10 })).body;
    const box = (
      await c.api.post('/v1/voicemail-boxes', {
        name: 'After hours',
        pin: '1357',
        greetings: { unavailable: { type: 'tts', text: 'Closed.' } },
        max_message_seconds: 5,
      })
    ).body;
    const schedule = (
      await c.api.post('/v1/schedules', {
        name: 'Office',
        time_zone: 'Europe/Sofia',
        hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '18:00' }],
      })
    ).body;
    const number = suite.fresh();
    await suite.buy(number);
    const route = {
      type: 'schedule',
      schedule_id: schedule.id,
      open: { type: 'ring_group', ring_group_id: group.id },
      closed: { type: 'voicemail_box', voicemail_box_id: box.id },
    };
    expect((await c.api.patch(`/v1/numbers/${number}`, { route })).status).toBe(200);

    // Closed (07:00): voicemail answers and SIPp's pcap is the message.
    expect((await c.api.get(`/v1/schedules/${schedule.id}/status`)).body).toMatchObject({ open: false, next_change: '2026-12-23T07:00:00.000Z' });
    await ok(runSipp(scenario('voice-app-record.xml'), number, suite.sipPort, suite.auth(number)));
    const closedCall = await suite.callTo(number, (x) => x?.ended_at != null);
    expect((await c.api.get(`/v1/calls/${closedCall!.id}`)).body).toMatchObject({
      status: 'completed',
      routing: { ring_group_id: null, answered_by_sip_user_id: null, fallback: null },
    });
    const messages = await eventually(
      async () => (await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data as Array<Record<string, unknown>>,
      (data) => data.length === 1,
    );
    expect(messages[0]).toMatchObject({ call_id: closedCall!.id });

    // Open (10:00): the member's registered phone rings and answers; the caller hangs up.
    clock.set('2026-12-23T08:00:00Z');
    expect((await c.api.get(`/v1/schedules/${schedule.id}/status`)).body).toMatchObject({ open: true, next_change: '2026-12-23T16:00:00.000Z' });
    const port = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, member, port);
    const phone = await startSippUas(scenario('user-phone-answer.xml'), ['-set', 'rtpport', String(await freeUdpPort())], port);
    try {
      await ok(runSipp(scenario('inbound-caller-bye.xml'), number, suite.sipPort, suite.auth(number, { rtpport: await freeUdpPort(), codec: '8' })));
      await ok(phone.done);
    } finally {
      phone.stop();
    }
    const openCall = await eventually(
      async () => ((await c.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>).find((x) => x.to === number && x.id !== closedCall!.id),
      (x) => x?.status === 'completed',
    );
    expect(openCall).toMatchObject({
      sip_code: 200,
      hangup_by: 'caller',
      routing: { ring_group_id: group.id, answered_by_sip_user_id: member.id, fallback: null },
    });
    // The box still has the one message.
    expect((await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data).toHaveLength(1);
  });
});
