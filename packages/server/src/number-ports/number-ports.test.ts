import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../test/api-client.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

const loa = (content = PDF, content_type = 'application/pdf') => ({
  kind: 'letter_of_authorization',
  filename: 'loa.pdf',
  content_type,
  content_base64: content.toString('base64'),
});

// Sofia landlines, one fresh per call: a number ported in one test is held for the rest.
let seq = 0;
const freshNumber = () => `+3592987${String(1000 + seq++)}`;

const portBody = (numbers: string[], accepted = true) => ({
  numbers,
  losing_carrier: 'Vivacom',
  declaration: { signer_name: 'Ivana Petrova', accepted },
});

describe.each(storeKinds)('number ports (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  const eventsOf = (objectId: string) =>
    t.server.store.db.selectFrom('events').select(['account_id', 'type', 'payload']).where('object_id', '=', objectId).orderBy('id').execute();
  const portEventsOfAccount = (accountId: string) =>
    t.server.store.db.selectFrom('events').select(['id']).where('account_id', '=', accountId).where('type', '=', 'number_port.updated').execute();

  async function draft(api: ApiClient, numbers = [freshNumber()]) {
    const res = await api.post('/v1/number-ports', portBody(numbers));
    expect(res.status).toBe(201);
    return res.body as { id: string; numbers: string[] };
  }

  /** A request moved along the happy path up to `until`. */
  async function portAt(api: ApiClient, until: 'draft' | 'submitted' | 'foc_set' | 'completed', numbers?: string[]) {
    const port = await draft(api, numbers);
    if (until === 'draft') return port;
    expect((await api.post(`/v1/number-ports/${port.id}/documents`, loa())).status).toBe(201);
    expect((await api.post(`/v1/number-ports/${port.id}/submit`)).status).toBe(200);
    if (until === 'submitted') return port;
    expect((await t.operator.post(`/v1/number-ports/${port.id}/foc`, { foc_date: '2030-01-15' })).status).toBe(200);
    if (until === 'foc_set') return port;
    expect((await t.operator.post(`/v1/number-ports/${port.id}/complete`)).status).toBe(200);
    return port;
  }

  it('ports numbers in: draft, letter, submit, FOC, complete; the numbers become the account’s', async () => {
    const c = await t.customer();
    const keyId = (await c.api.get('/v1/api-keys')).body.data[0].id;
    const other = freshNumber();

    const created = await c.api.post('/v1/number-ports', portBody(['0888 123 456', other]));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'number_port',
      account_id: c.accountId,
      numbers: ['+359888123456', other],
      losing_carrier: 'Vivacom',
      status: 'draft',
      documents: [],
      foc_date: null,
      rejection_reason: null,
      declaration: { signer_name: 'Ivana Petrova', api_key_id: keyId, accepted_at: created.body.created_at },
      history: [{ status: 'draft', at: created.body.created_at }],
    });
    expect(created.body.declaration.text).toContain('lawful ownership or usage rights over all telephone numbers');
    expect(created.body.declaration.text).toContain('4.2');
    const id = created.body.id;

    const withDoc = await c.api.post(`/v1/number-ports/${id}/documents`, loa());
    expect(withDoc.status).toBe(201);
    expect(withDoc.body.status).toBe('draft');
    expect(withDoc.body.documents).toEqual([
      {
        id: expect.stringMatching(/^doc_/),
        object: 'port_document',
        kind: 'letter_of_authorization',
        filename: 'loa.pdf',
        content_type: 'application/pdf',
        size: PDF.length,
        created_at: expect.any(String),
      },
    ]);

    expect((await c.api.post(`/v1/number-ports/${id}/submit`)).body.status).toBe('submitted');
    const foc = await t.operator.post(`/v1/number-ports/${id}/foc`, { foc_date: '2030-01-15' });
    expect(foc.body).toMatchObject({ status: 'foc_set', foc_date: '2030-01-15' });
    const done = await t.operator.post(`/v1/number-ports/${id}/complete`);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    expect(done.body.history.map((h: { status: string }) => h.status)).toEqual(['draft', 'submitted', 'foc_set', 'completed']);
    expect((await c.api.get(`/v1/number-ports/${id}`)).body).toEqual(done.body);

    const held = (await c.api.get('/v1/numbers')).body.data as { number: string; source: string; account_id: string }[];
    expect(held.map((n) => n.number).sort()).toEqual(['+359888123456', other].sort());
    for (const n of held) expect(n).toMatchObject({ source: 'ported', account_id: c.accountId });

    // One event per status the request went through (the document adds none), all for the customer.
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(Array(4).fill('number_port.updated'));
    expect(events.map((e) => e.account_id)).toEqual(Array(4).fill(c.accountId));
    expect(events.map((e) => JSON.parse(e.payload).data.object.status)).toEqual(['draft', 'submitted', 'foc_set', 'completed']);
  });

  it('shows the customer why the operator rejected a request, with the event on the customer’s account', async () => {
    const c = await t.customer();
    const port = await portAt(c.api, 'submitted');
    const reason = 'The letter of authorization is not signed by the number holder.';
    const rejected = await t.operator.post(`/v1/number-ports/${port.id}/reject`, { reason });
    expect(rejected.status).toBe(200);
    const seen = (await c.api.get(`/v1/number-ports/${port.id}`)).body;
    expect(seen).toMatchObject({ status: 'rejected', rejection_reason: reason });
    expect(seen.history.at(-1)).toMatchObject({ status: 'rejected', reason });
    const events = await eventsOf(port.id);
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.account_id))).toEqual(new Set([c.accountId]));
  });

  it('lets the customer cancel from draft, submitted and foc_set, each with one event', async () => {
    const c = await t.customer();
    for (const status of ['draft', 'submitted', 'foc_set'] as const) {
      const port = await portAt(c.api, status);
      const before = (await eventsOf(port.id)).length;
      const res = await c.api.post(`/v1/number-ports/${port.id}/cancel`);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
      expect(res.body.history.at(-1).status).toBe('cancelled');
      expect((await eventsOf(port.id)).length).toBe(before + 1);
    }
    // A cancelled request gives its numbers to nobody.
    expect((await c.api.get('/v1/numbers')).body.data).toEqual([]);
  });

  it('refuses transitions the state machine does not allow, and records nothing for them', async () => {
    const c = await t.customer();
    const port = await draft(c.api);

    const complete = await t.operator.post(`/v1/number-ports/${port.id}/complete`);
    expect(complete.status).toBe(409);
    expect(complete.body).toMatchObject({
      code: 'port_transition_not_allowed',
      detail: 'Cannot complete a porting request that is draft; allowed from: foc_set.',
    });

    const noLetter = await c.api.post(`/v1/number-ports/${port.id}/submit`);
    expect(noLetter.status).toBe(422);
    expect(noLetter.body.code).toBe('port_document_required');
    // An invoice is not a letter of authorization.
    await c.api.post(`/v1/number-ports/${port.id}/documents`, { ...loa(), kind: 'invoice' });
    expect((await c.api.post(`/v1/number-ports/${port.id}/submit`)).body.code).toBe('port_document_required');

    const customerFoc = await c.api.post(`/v1/number-ports/${port.id}/foc`, { foc_date: '2030-01-15' });
    expect(customerFoc.status).toBe(403);
    expect(customerFoc.body.code).toBe('missing_scope');
    expect((await c.api.post(`/v1/number-ports/${port.id}/reject`, { reason: 'no' })).status).toBe(403);
    expect((await c.api.post(`/v1/number-ports/${port.id}/complete`)).status).toBe(403);

    expect((await eventsOf(port.id)).length).toBe(1);
    expect((await c.api.get(`/v1/number-ports/${port.id}`)).body.status).toBe('draft');

    const completed = await portAt(c.api, 'completed');
    const cancel = await c.api.post(`/v1/number-ports/${completed.id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.detail).toBe('Cannot cancel a porting request that is completed; allowed from: draft, submitted, foc_set.');
    expect((await t.operator.post(`/v1/number-ports/${completed.id}/reject`, { reason: 'late' })).status).toBe(409);

    const submitted = await portAt(c.api, 'submitted');
    const lateDoc = await c.api.post(`/v1/number-ports/${submitted.id}/documents`, loa());
    expect(lateDoc.status).toBe(409);
    expect(lateDoc.body.detail).toBe('Cannot add a document to a porting request that is submitted; allowed from: draft.');
    expect((await c.api.post(`/v1/number-ports/${submitted.id}/submit`)).status).toBe(409);
    expect((await t.operator.post(`/v1/number-ports/${submitted.id}/complete`)).status).toBe(409);
  });

  it('refuses a request without the ownership declaration and writes nothing', async () => {
    const c = await t.customer();
    const res = await c.api.post('/v1/number-ports', portBody([freshNumber()], false));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'declaration_required', param: '/body/declaration/accepted' });
    expect(res.body.detail).toContain('4.2');
    expect((await c.api.get('/v1/number-ports')).body.data).toEqual([]);
    expect(await portEventsOfAccount(c.accountId)).toEqual([]);
  });

  it('names the bad or repeated number', async () => {
    const c = await t.customer();
    const n = freshNumber();
    const bad = await c.api.post('/v1/number-ports', portBody([n, '12']));
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'invalid_phone_number', param: '/body/numbers/1' });
    const repeated = await c.api.post('/v1/number-ports', portBody([n, n.replace('+359', '0')]));
    expect(repeated.status).toBe(400);
    expect(repeated.body).toMatchObject({ code: 'validation_failed', param: '/body/numbers/1' });
    expect((await c.api.get('/v1/number-ports')).body.data).toEqual([]);
  });

  it('refuses to port a number already on Prolope, and a completion that lost the race writes nothing', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const contested = freshNumber();
    const bLate = await portAt(b.api, 'foc_set', [contested]);
    await portAt(a.api, 'completed', [contested]);

    const again = await b.api.post('/v1/number-ports', portBody([freshNumber(), contested]));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'number_already_held', param: '/body/numbers/1' });

    const events = (await eventsOf(bLate.id)).length;
    const lost = await t.operator.post(`/v1/number-ports/${bLate.id}/complete`);
    expect(lost.status).toBe(409);
    expect(lost.body.code).toBe('number_already_held');
    expect((await b.api.get(`/v1/number-ports/${bLate.id}`)).body.status).toBe('foc_set');
    expect((await eventsOf(bLate.id)).length).toBe(events);
    expect((await b.api.get('/v1/numbers')).body.data).toEqual([]);
  });

  it('refuses content that is not strict base64, or not the declared type', async () => {
    const c = await t.customer();
    const port = await draft(c.api);
    const notBase64 = await c.api.post(`/v1/number-ports/${port.id}/documents`, { ...loa(), content_base64: 'JVBERi0xLjQK*%%EOF' });
    expect(notBase64.status).toBe(400);
    expect(notBase64.body).toMatchObject({ code: 'validation_failed', param: '/body/content_base64' });

    const mislabelled = await c.api.post(`/v1/number-ports/${port.id}/documents`, loa(PNG));
    expect(mislabelled.status).toBe(422);
    expect(mislabelled.body).toMatchObject({ code: 'document_content_mismatch', param: '/body/content_base64' });
    expect(mislabelled.body.detail).toContain('PNG');

    const png = await c.api.post(`/v1/number-ports/${port.id}/documents`, { ...loa(PNG, 'image/png'), filename: 'loa.png' });
    expect(png.status).toBe(201);
    expect(png.body.documents).toHaveLength(1);
    expect(png.body.documents[0]).toMatchObject({ content_type: 'image/png', size: PNG.length });
  });

  it('gives the file back to the owner and the operator, and to nobody else', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const port = await draft(a.api);
    const withDoc = (await a.api.post(`/v1/number-ports/${port.id}/documents`, loa())).body;
    const docId = withDoc.documents[0].id;
    const path = `/v1/number-ports/${port.id}/documents/${docId}`;
    for (const api of [a.api, t.operator]) {
      const res = await api.get(path);
      expect(res.status).toBe(200);
      expect(Buffer.from(res.body.content_base64, 'base64').equals(PDF)).toBe(true);
      expect(res.body).toMatchObject({ id: docId, kind: 'letter_of_authorization', size: PDF.length });
    }
    expect((await b.api.get(path)).status).toBe(404);
    expect((await a.api.get(`/v1/number-ports/${port.id}/documents/doc_00000000000000000000000000`)).status).toBe(404);
  });

  it('keeps accounts apart: another customer gets 404 and an empty list', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const port = await draft(a.api);
    expect((await b.api.get(`/v1/number-ports/${port.id}`)).status).toBe(404);
    expect((await b.api.post(`/v1/number-ports/${port.id}/documents`, loa())).status).toBe(404);
    expect((await b.api.post(`/v1/number-ports/${port.id}/submit`)).status).toBe(404);
    expect((await b.api.post(`/v1/number-ports/${port.id}/cancel`)).status).toBe(404);
    expect((await b.api.get('/v1/number-ports')).body.data).toEqual([]);
    const own = (await a.api.get(`/v1/number-ports/${port.id}`)).body;
    expect(own).toMatchObject({ status: 'draft', documents: [] });
    expect((await eventsOf(port.id)).length).toBe(1);
  });

  it('lets the operator see and process every account’s requests, but not act for the customer', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const pa = await draft(a.api);
    const pb = await draft(b.api);
    const all = (await t.operator.get('/v1/number-ports?limit=100')).body.data.map((p: { id: string }) => p.id);
    expect(all).toEqual(expect.arrayContaining([pa.id, pb.id]));
    expect((await t.operator.get(`/v1/number-ports/${pa.id}`)).body.account_id).toBe(a.accountId);
    // Submitting and cancelling are the customer's decisions.
    expect((await t.operator.post(`/v1/number-ports/${pa.id}/submit`)).status).toBe(404);
    expect((await t.operator.post(`/v1/number-ports/${pa.id}/cancel`)).status).toBe(404);
  });

  it('pages newest first', async () => {
    const c = await t.customer();
    const first = await draft(c.api);
    const second = await draft(c.api);
    const page = await c.api.get('/v1/number-ports?limit=1');
    expect(page.body).toMatchObject({ has_more: true, next_cursor: second.id });
    expect(page.body.data.map((p: { id: string }) => p.id)).toEqual([second.id]);
    const rest = await c.api.get(`/v1/number-ports?limit=1&starting_after=${second.id}`);
    expect(rest.body.data.map((p: { id: string }) => p.id)).toEqual([first.id]);
    expect(rest.body.has_more).toBe(false);
  });
});
