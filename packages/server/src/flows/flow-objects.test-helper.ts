import { referencedIds } from '@prolope/rules';
import { toneWav } from '../audio/live-prompt-fixtures.js';
import type { ApiClient } from '../test/api-client.js';

type Doc = { start: string; nodes: Record<string, unknown> };

async function created(res: Promise<{ status: number; body: { id: string } }>): Promise<string> {
  const r = await res;
  if (r.status !== 201) throw new Error(`creating a flow's object answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/**
 * Creates, through the API, one account object for each id the flow names (a published flow for a
 * subflow), and answers the flow with those ids in place of the names it had, so it validates clean.
 */
export async function withAccountObjects<T extends Doc>(api: ApiClient, flow: T): Promise<T> {
  const wanted = referencedIds(flow as never);
  const real = new Map<string, string>();
  let member: string | undefined;
  const sipUser = async (name: string) => created(api.post('/v1/sip-users', { username: name.replace(/[^a-z0-9]/gi, '').toLowerCase() }));
  for (const id of wanted.audio_prompt ?? []) {
    real.set(id, await created(api.post('/v1/audio', { name: id, content_base64: toneWav(440, 0.2), rights_declaration: { accepted: true } })));
  }
  for (const id of wanted.schedule ?? []) {
    real.set(id, await created(api.post('/v1/schedules', { name: id, time_zone: 'Europe/Sofia', hours: [{ days: ['mon'], open: '09:00', close: '17:00' }] })));
  }
  for (const id of wanted.voicemail_box ?? []) real.set(id, await created(api.post('/v1/voicemail-boxes', { name: id, pin: '1234' })));
  for (const id of wanted.sip_user ?? []) real.set(id, await sipUser(id));
  for (const id of wanted.ring_group ?? []) {
    member ??= await sipUser('ringgroupmember');
    real.set(id, await created(api.post('/v1/ring-groups', { name: id, members: [{ sip_user_id: member }] })));
  }
  for (const id of wanted.flow ?? []) {
    const sub = await created(api.post('/v1/flows', { name: id, definition: { start: 'r', nodes: { r: { type: 'return', values: { status: 'ok' } } } } }));
    if ((await api.post(`/v1/flows/${sub}/publish`)).status !== 201) throw new Error(`publishing the subflow for ${id} failed`);
    real.set(id, sub);
  }
  let json = JSON.stringify(flow);
  for (const [from, to] of real) json = json.replaceAll(JSON.stringify(from), JSON.stringify(to));
  return JSON.parse(json) as T;
}
