import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from '../http/operations.js';
import { ownNumber } from '../numbers/test-fixtures.js';
import { dbSnapshot } from '../test/db-snapshot.js';
import { fuzzFailures } from '../test/fuzz-resource.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { specOperations } from '../test/spec-operations.js';
import { withAccountObjects } from './flow-objects.test-helper.js';

/** A clean flow: a menu whose prompt is `prompt`, choice 1 to sales, 2 to `two`, then hang up. */
const menuFlow = (prompt: string, two = 'support') => ({
  start: 'main',
  nodes: {
    main: {
      type: 'menu',
      prompt: { say: prompt },
      choices: [
        { digits: '1', next: 'sales' },
        { digits: '2', next: two },
      ],
      default: 'bye',
    },
    sales: { type: 'say', text: 'Connecting you to sales.', next: 'bye' },
    ...(two === 'agent'
      ? { agent: { type: 'transfer', to: { type: 'number', number: '+35929000001' } } }
      : { support: { type: 'say', text: 'Connecting you to support.', next: 'bye' } }),
    bye: { type: 'hangup' },
  },
});

/** Two errors: `ghost` does not exist and `lost` is unreachable. */
const brokenFlow = {
  start: 'a',
  nodes: { a: { type: 'say', text: 'Hi', next: 'ghost' }, lost: { type: 'hangup' } },
};

describe('flow problem codes', () => {
  it('docs/flows.md documents every code the spec lists, and no other', () => {
    const codes: string[] = (openapiDocument as any).components.schemas.FlowProblem.properties.code.enum;
    const doc = readFileSync(new URL('../../../../docs/flows.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(flow_[a-z_]+)` \| (?:error|warning) \|/gm)].map((m) => m[1]);
    expect(codes).toContain('flow_unknown_schedule');
    expect(documented.sort()).toEqual([...codes].sort());
  });
});

describe.each(storeKinds)('flows API (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: { sipEnabled: false } });
  });
  afterAll(async () => {
    await t?.close();
  });
  const db = () => t.server.store.db;
  type Client = Awaited<ReturnType<TestServer['customer']>>;
  const createFlow = async (c: Client, definition: unknown = menuFlow('Press 1 for sales')) => {
    const res = await c.api.post('/v1/flows', { name: 'Main line', definition });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string };
  };

  it('publishes revisions 1 to 4, rolls back to 3 as revision 5, and the diff of 3 and 4 names the changed node', async () => {
    const c = await t.customer();
    const flow = await createFlow(c, menuFlow('Welcome. Press 1 for sales.'));
    expect(flow).toMatchObject({ object: 'flow', account_id: c.accountId, name: 'Main line', latest_revision: null });
    expect(flow.id).toMatch(/^flw_/);
    expect((await c.api.get(`/v1/flows/${flow.id}/revisions`)).body).toEqual({ object: 'list', data: [], has_more: false, next_cursor: null });

    const drafts = [
      menuFlow('Welcome. Press 1 for sales.'),
      menuFlow('Hello. Press 1 for sales.'),
      menuFlow('Hi. Press 1 for sales.'),
      menuFlow('Hi. Press 1 for sales.', 'agent'),
    ];
    for (const [i, definition] of drafts.entries()) {
      if (i > 0) expect((await c.api.patch(`/v1/flows/${flow.id}`, { definition })).status).toBe(200);
      const published = await c.api.post(`/v1/flows/${flow.id}/publish`);
      expect(published.status).toBe(201);
      expect(published.body).toMatchObject({ object: 'flow_revision', flow_id: flow.id, revision: i + 1, definition, rolled_back_from: null });
    }
    expect((await c.api.get(`/v1/flows/${flow.id}`)).body.latest_revision).toBe(4);

    const rolled = await c.api.post(`/v1/flows/${flow.id}/rollback`, { revision: 3 });
    expect(rolled.status).toBe(201);
    const third = (await c.api.get(`/v1/flows/${flow.id}/revisions/3`)).body;
    expect(rolled.body).toMatchObject({ revision: 5, rolled_back_from: 3, definition: third.definition });
    expect(rolled.body.definition).toEqual(drafts[2]);
    // The draft is what runs again, and revision 4 is still there: history only grows.
    const after = (await c.api.get(`/v1/flows/${flow.id}`)).body;
    expect(after).toMatchObject({ latest_revision: 5, definition: drafts[2] });
    expect((await c.api.get(`/v1/flows/${flow.id}/revisions/4`)).body.definition).toEqual(drafts[3]);

    const diff = await c.api.get(`/v1/flows/${flow.id}/diff?from=3&to=4`);
    expect(diff.status).toBe(200);
    expect(diff.body).toEqual({
      object: 'flow_diff',
      flow_id: flow.id,
      from: 3,
      to: 4,
      start: null,
      variables_changed: [],
      nodes_added: ['agent'],
      nodes_removed: ['support'],
      nodes_changed: [{ node: 'main', fields: ['choices'] }],
      transitions_rewired: [{ from: 'main', event: 'choice:1', old_target: 'support', new_target: 'agent' }],
    });
    const prompt = (await c.api.get(`/v1/flows/${flow.id}/diff?from=1&to=2`)).body;
    expect(prompt.nodes_changed).toEqual([{ node: 'main', fields: ['prompt'] }]);
    expect((await c.api.get(`/v1/flows/${flow.id}/diff?from=3&to=5`)).body.nodes_changed).toEqual([]);

    // Newest first, two a page, the cursor a revision number.
    const page1 = (await c.api.get(`/v1/flows/${flow.id}/revisions?limit=2`)).body;
    expect(page1.data.map((r: { revision: number }) => r.revision)).toEqual([5, 4]);
    expect(page1).toMatchObject({ has_more: true, next_cursor: '4' });
    const page3 = (await c.api.get(`/v1/flows/${flow.id}/revisions?limit=2&starting_after=2`)).body;
    expect(page3).toMatchObject({ has_more: false, next_cursor: null });
    expect(page3.data.map((r: { revision: number }) => r.revision)).toEqual([1]);

    const events = await db().selectFrom('events').select(['type', 'payload']).where('object_id', '=', flow.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual([
      'flow.created',
      'flow.published',
      'flow.updated',
      'flow.published',
      'flow.updated',
      'flow.published',
      'flow.updated',
      'flow.published',
      'flow.published',
    ]);
    const last = JSON.parse(events.at(-1)!.payload).data;
    expect(last).toMatchObject({ revision: 5, object: { id: flow.id, latest_revision: 5 } });
  });

  it('keeps revisions immutable: editing the draft changes no published revision', async () => {
    const c = await t.customer();
    const flow = await createFlow(c);
    const first = (await c.api.post(`/v1/flows/${flow.id}/publish`)).body;
    const edited = await c.api.patch(`/v1/flows/${flow.id}`, { name: 'Renamed', definition: menuFlow('Changed') });
    expect(edited.body).toMatchObject({ name: 'Renamed', definition: menuFlow('Changed'), latest_revision: 1 });
    expect((await c.api.get(`/v1/flows/${flow.id}/revisions/1`)).body).toEqual(first);
    expect((await c.api.get(`/v1/flows`)).body.data.map((f: { id: string }) => f.id)).toEqual([flow.id]);
  });

  it('validates the draft or a sent definition, listing every problem with its node and code', async () => {
    const c = await t.customer();
    const flow = await createFlow(c, brokenFlow);
    const draft = await c.api.post(`/v1/flows/${flow.id}/validate`, {});
    expect(draft.status).toBe(200);
    expect(draft.body.valid).toBe(false);
    expect(draft.body.problems.map((p: { code: string; node: string }) => `${p.code}@${p.node}`).sort()).toEqual([
      'flow_unknown_node@a',
      'flow_unreachable_node@lost',
    ]);
    const clean = await c.api.post(`/v1/flows/${flow.id}/validate`, { definition: menuFlow('Hi') });
    expect(clean.body).toEqual({ object: 'flow_validation', valid: true, problems: [] });
    // An audio prompt the account does not have is reported; one it has is not.
    const playing = (audio: string) => ({ start: 'p', nodes: { p: { type: 'play', audio, next: 'h' }, h: { type: 'hangup' } } });
    const unknown = (await c.api.post(`/v1/flows/${flow.id}/validate`, { definition: playing('aud_nothere') })).body;
    expect(unknown.problems.map((p: { code: string }) => p.code)).toEqual(['flow_unknown_prompt']);
    // The draft was not changed by validating another definition.
    expect((await c.api.get(`/v1/flows/${flow.id}`)).body.definition).toEqual(brokenFlow);
  });

  it('takes the example flow of docs/flows.md: its only problems are the objects the account lacks, and with them it validates and publishes', async () => {
    const c = await t.customer();
    const example = JSON.parse(readFileSync(new URL('../../../../examples/flows/flow.json', import.meta.url), 'utf8'));
    const bare = await c.api.post(`/v1/flows/${(await createFlow(c, example)).id}/validate`, {});
    expect(bare.body.problems.map((p: { code: string; node: string }) => `${p.code}@${p.node}`)).toEqual([
      'flow_unknown_schedule@hours',
      'flow_unknown_sip_user@sales',
      'flow_unknown_ring_group@operator',
      'flow_unknown_voicemail_box@voicemail',
    ]);
    const ready = await withAccountObjects(c.api, example);
    const flow = await createFlow(c, ready);
    expect((await c.api.post(`/v1/flows/${flow.id}/validate`, {})).body).toEqual({ object: 'flow_validation', valid: true, problems: [] });
    const published = await c.api.post(`/v1/flows/${flow.id}/publish`);
    expect(published.status).toBe(201);
    expect(published.body.definition).toEqual(ready);
  });

  it('validates the 60-node real-world fixture with no problems once the account has what it names', async () => {
    const c = await t.customer();
    const fixture = JSON.parse(readFileSync(new URL('../../../rules/fixtures/sixty-node-flow.json', import.meta.url), 'utf8'));
    expect(Object.keys(fixture.nodes)).toHaveLength(60);
    const flow = await createFlow(c, await withAccountObjects(c.api, fixture));
    expect((await c.api.post(`/v1/flows/${flow.id}/validate`, {})).body).toEqual({ object: 'flow_validation', valid: true, problems: [] });
    expect((await c.api.post(`/v1/flows/${flow.id}/publish`)).status).toBe(201);
  });

  it('reports each object a flow names that the account lacks, with its node and code; another account\'s objects count as missing', async () => {
    const a = await t.customer();
    const b = await t.customer();
    // Every kind, named by a's real ids: clean for a, every one missing for b.
    const names = {
      start: 'p',
      nodes: {
        p: { type: 'play', audio: 'aud_hello', next: 'm' },
        m: { type: 'menu', prompt: { play: 'aud_menu' }, choices: [{ digits: '1', next: 'h' }], default: 'g' },
        h: { type: 'business_hours', schedule_id: 'sch_office', open: 'u', closed: 'v' },
        u: { type: 'transfer', to: { type: 'sip_user', sip_user_id: 'usr_anna' }, failure: 'g' },
        g: { type: 'transfer', to: { type: 'ring_group', ring_group_id: 'rg_sales' }, failure: 's' },
        s: { type: 'subflow', flow_id: 'flw_pay', next: 'v' },
        v: { type: 'voicemail', voicemail_box_id: 'vmb_office' },
      },
    };
    const mine = await withAccountObjects(a.api, names);
    const flowA = await createFlow(a, mine);
    expect((await a.api.post(`/v1/flows/${flowA.id}/validate`, {})).body).toEqual({ object: 'flow_validation', valid: true, problems: [] });

    const flowB = await createFlow(b, mine);
    const before = await dbSnapshot(db());
    const res = await b.api.post(`/v1/flows/${flowB.id}/validate`, {});
    expect(res.body.valid).toBe(false);
    expect(res.body.problems.map((p: { code: string; node: string }) => `${p.code}@${p.node}`)).toEqual([
      'flow_unknown_prompt@p',
      'flow_unknown_prompt@m',
      'flow_unknown_schedule@h',
      'flow_unknown_sip_user@u',
      'flow_unknown_ring_group@g',
      'flow_unknown_subflow@s',
      'flow_unknown_voicemail_box@v',
    ]);
    const schedule = res.body.problems.find((p: { code: string }) => p.code === 'flow_unknown_schedule');
    expect(schedule.message).toContain(mine.nodes.h.schedule_id);
    const published = await b.api.post(`/v1/flows/${flowB.id}/publish`);
    expect(published.status).toBe(422);
    expect(published.body.code).toBe('flow_invalid');
    expect(published.body.errors).toContainEqual({ param: '/definition/nodes/h', message: expect.stringMatching(/^flow_unknown_schedule: /) });
    expect(await dbSnapshot(db())).toEqual(before);
  });

  it('reports a subflow that has no published revision, or is pinned past its latest', async () => {
    const c = await t.customer();
    const sub = await createFlow(c, { start: 'r', nodes: { r: { type: 'return' } } });
    const calling = (revision?: number) => ({
      start: 's',
      nodes: { s: { type: 'subflow', flow_id: sub.id, ...(revision === undefined ? {} : { revision }), next: 'h' }, h: { type: 'hangup' } },
    });
    const caller = await createFlow(c, calling());
    const problems = async (definition: unknown) =>
      (await c.api.post(`/v1/flows/${caller.id}/validate`, { definition })).body.problems.map((p: { code: string; message: string }) => `${p.code}: ${p.message}`);
    expect(await problems(calling())).toEqual([`flow_unknown_subflow: s names ${sub.id} in flow_id, which has no published revision yet: publish ${sub.id} first.`]);
    expect((await c.api.post(`/v1/flows/${sub.id}/publish`)).status).toBe(201);
    expect(await problems(calling())).toEqual([]);
    expect(await problems(calling(1))).toEqual([]);
    expect(await problems(calling(2))).toEqual([`flow_unknown_subflow: s names ${sub.id} in flow_id, pinned to revision 2, and its revisions are 1 to 1.`]);
  });

  it('refuses to publish a draft with errors (422 flow_invalid, each problem listed) and writes nothing', async () => {
    const c = await t.customer();
    const flow = await createFlow(c, brokenFlow);
    const before = await dbSnapshot(db());
    const res = await c.api.post(`/v1/flows/${flow.id}/publish`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('flow_invalid');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { param: '/definition/nodes/a', message: expect.stringMatching(/^flow_unknown_node: /) },
        { param: '/definition/nodes/lost', message: expect.stringMatching(/^flow_unreachable_node: /) },
      ]),
    );
    expect(await dbSnapshot(db())).toEqual(before);
  });

  it('gives concurrent publishes of one flow distinct revision numbers', async () => {
    const c = await t.customer();
    const flow = await createFlow(c);
    const results = await Promise.all(Array.from({ length: 6 }, () => c.api.post(`/v1/flows/${flow.id}/publish`)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(results.map((r) => r.body.revision as number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await c.api.get(`/v1/flows/${flow.id}`)).body.latest_revision).toBe(6);
  });

  it('answers 404 for a revision the flow does not have, naming the ones it has', async () => {
    const c = await t.customer();
    const flow = await createFlow(c);
    const none = await c.api.post(`/v1/flows/${flow.id}/rollback`, { revision: 1 });
    expect(none.status).toBe(404);
    expect(none.body.detail).toContain('has none yet');
    await c.api.post(`/v1/flows/${flow.id}/publish`);
    const missing = await c.api.get(`/v1/flows/${flow.id}/diff?from=1&to=2`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'not_found', param: '/query/to' });
    expect((await c.api.get(`/v1/flows/${flow.id}/revisions/9`)).status).toBe(404);
  });

  it('refuses to delete a flow another flow calls or a number routes to (409 flow_in_use), then deletes it with its revisions', async () => {
    const c = await t.customer();
    const flow = await createFlow(c);
    await c.api.post(`/v1/flows/${flow.id}/publish`);
    const caller = await createFlow(c, { start: 's', nodes: { s: { type: 'subflow', flow_id: flow.id, next: 'h' }, h: { type: 'hangup' } } });
    const before = await dbSnapshot(db());
    const inUse = await c.api.delete(`/v1/flows/${flow.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('flow_in_use');
    expect(inUse.body.detail).toContain(caller.id);
    expect(await dbSnapshot(db())).toEqual(before);
    // A number routed to the flow blocks it too.
    await c.api.patch(`/v1/flows/${caller.id}`, { definition: menuFlow('x') });
    const number = await ownNumber(t.operator, c.api);
    expect((await c.api.patch(`/v1/numbers/${number.id}`, { route: { type: 'flow', flow_id: flow.id } })).status).toBe(200);
    const routed = await c.api.delete(`/v1/flows/${flow.id}`);
    expect(routed.status).toBe(409);
    expect(routed.body.detail).toContain(number.id);
    expect((await c.api.patch(`/v1/numbers/${number.id}`, { route: null })).status).toBe(200);
    const deleted = await c.api.delete(`/v1/flows/${flow.id}`);
    expect(deleted.body).toEqual({ id: flow.id, object: 'flow', deleted: true });
    expect((await c.api.get(`/v1/flows/${flow.id}`)).status).toBe(404);
    expect(await db().selectFrom('flow_revisions').select('revision').where('flow_id', '=', flow.id).execute()).toEqual([]);
    const events = await db().selectFrom('events').select('type').where('object_id', '=', flow.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['flow.created', 'flow.published', 'flow.deleted']);
  });

  it('keeps accounts apart: another account gets 404 on every operation and an empty list', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const flow = await createFlow(a);
    await a.api.post(`/v1/flows/${flow.id}/publish`);
    await a.api.post(`/v1/flows/${flow.id}/publish`);
    // b's key has been used once already, so the snapshot does not see its first use recorded.
    expect((await b.api.get('/v1/flows')).body.data).toEqual([]);
    const before = await dbSnapshot(db());
    for (const res of [
      await b.api.get(`/v1/flows/${flow.id}`),
      await b.api.patch(`/v1/flows/${flow.id}`, { name: 'Mine' }),
      await b.api.delete(`/v1/flows/${flow.id}`),
      await b.api.post(`/v1/flows/${flow.id}/validate`, {}),
      await b.api.post(`/v1/flows/${flow.id}/publish`),
      await b.api.post(`/v1/flows/${flow.id}/rollback`, { revision: 1 }),
      await b.api.get(`/v1/flows/${flow.id}/revisions`),
      await b.api.get(`/v1/flows/${flow.id}/revisions/1`),
      await b.api.get(`/v1/flows/${flow.id}/diff?from=1&to=2`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    expect((await b.api.get('/v1/flows')).body.data).toEqual([]);
    expect(await dbSnapshot(db())).toEqual(before);
  });

  it('needs flows:write to change flows and flows:read to read and validate them', async () => {
    const c = await t.customer();
    const flow = await createFlow(c);
    await c.api.post(`/v1/flows/${flow.id}/publish`);
    const reader = t.client((await c.api.post('/v1/api-keys', { name: 'flows read', scopes: ['flows:read'] })).body.secret);
    const pbx = t.client((await c.api.post('/v1/api-keys', { name: 'pbx', scopes: ['pbx:write', 'pbx:read'] })).body.secret);
    for (const res of [
      await reader.post('/v1/flows', { name: 'x', definition: menuFlow('x') }),
      await reader.patch(`/v1/flows/${flow.id}`, { name: 'x' }),
      await reader.delete(`/v1/flows/${flow.id}`),
      await reader.post(`/v1/flows/${flow.id}/publish`),
      await reader.post(`/v1/flows/${flow.id}/rollback`, { revision: 1 }),
      await pbx.get('/v1/flows'),
      await pbx.get(`/v1/flows/${flow.id}`),
      await pbx.post(`/v1/flows/${flow.id}/validate`, {}),
      await pbx.get(`/v1/flows/${flow.id}/revisions`),
      await pbx.get(`/v1/flows/${flow.id}/revisions/1`),
      await pbx.get(`/v1/flows/${flow.id}/diff?from=1&to=1`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_scope');
    }
    expect((await reader.get(`/v1/flows/${flow.id}/diff?from=1&to=1`)).status).toBe(200);
    expect((await reader.post(`/v1/flows/${flow.id}/validate`, {})).body.valid).toBe(true);
  });

  it('answers bad input with problem+json and writes nothing', async () => {
    const c = await t.customer();
    const flow = await createFlow(c);
    const before = await dbSnapshot(db());
    const good = menuFlow('x');
    const creates: unknown[] = [
      {},
      { name: 'x' },
      { definition: good },
      { name: '', definition: good },
      { name: 'x', definition: {} },
      { name: 'x', definition: { start: 'a', nodes: {} } },
      { name: 'x', definition: { start: 'a', nodes: { a: { type: 'dance' } } } },
      { name: 'x', definition: { start: 'a', nodes: { a: { type: 'say' } } } },
      { name: 'x', definition: { start: 'a', nodes: { a: { type: 'hangup', next: 'b' } } } },
      { name: 'x', definition: { start: 'a', nodes: { 'bad name': { type: 'hangup' } } } },
      { name: 'x', definition: { start: 'a', nodes: { a: { type: 'condition', branches: [{ when: 'x == 1', next: 'a' }] } } } },
      { name: 'x', definition: { ...good, extra: true } },
      { name: 'x', definition: good, latest_revision: 3 },
      null,
      'flow',
    ];
    for (const body of creates) {
      const res = await c.api.post('/v1/flows', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(String(res.headers.get('content-type'))).toContain('application/problem+json');
    }
    for (const body of [{}, { id: 'flw_x' }, { name: null }, { definition: null }]) {
      expect((await c.api.patch(`/v1/flows/${flow.id}`, body)).status, JSON.stringify(body)).toBe(400);
    }
    for (const body of [{}, { revision: 0 }, { revision: 'one' }, { revision: 1, extra: 1 }]) {
      expect((await c.api.post(`/v1/flows/${flow.id}/rollback`, body)).status, JSON.stringify(body)).toBe(400);
    }
    for (const q of ['', '?from=1', '?from=0&to=1', '?from=a&to=1']) expect((await c.api.get(`/v1/flows/${flow.id}/diff${q}`)).status, q).toBe(400);
    expect((await c.api.get(`/v1/flows/${flow.id}/revisions/0`)).status).toBe(400);
    expect((await c.api.get(`/v1/flows/${flow.id}/revisions?starting_after=x`)).status).toBe(400);
    expect((await c.api.get('/v1/flows/flw_doesnotexist')).status).toBe(404);
    expect((await c.api.get('/v1/flows/not-an-id')).status).toBe(400);
    expect(await dbSnapshot(db())).toEqual(before);
  });

  it('has a sample of each flow event for POST /v1/events/trigger', async () => {
    const c = await t.customer();
    for (const type of ['flow.created', 'flow.updated', 'flow.deleted', 'flow.published']) {
      const sample = await c.api.post('/v1/events/trigger', { type });
      expect(sample.status, `${type}: ${JSON.stringify(sample.body)}`).toBe(201);
      expect(sample.body.data.object.object).toBe('flow');
    }
  });

  it('answers fuzzed requests to every flows operation with documented 2xx/4xx, never 5xx', async () => {
    const c = await t.customer();
    const flow = await createFlow(c);
    await c.api.post(`/v1/flows/${flow.id}/publish`);
    await c.api.post(`/v1/flows/${flow.id}/publish`);
    const realIds = new Map([['/v1/flows', flow.id]]);
    const ops = specOperations().filter((o) => o.id.startsWith('flows.'));
    expect(ops).toHaveLength(11);
    const failures = await fuzzFailures(t.url, c.key, ops, { seed: 20261207, perOperation: 30, realIds });
    expect(failures).toEqual([]);
  }, 60_000);
});
