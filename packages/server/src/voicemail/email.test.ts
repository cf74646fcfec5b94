import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { fileRecordingStore } from '../store/object-store.js';
import { eventually } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { voicemailMailer } from './email.js';
import { saveMessage } from './service.js';

/**
 * A new message is mailed with its WAV attached, through a real SMTP server running in this process
 * (the `smtp-server` package): the test reads the mail as it arrived and decodes the attachment.
 */
describe.each(storeKinds)('voicemail email (%s)', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-vm-mail-'));
  const received: Array<{ to: string[]; raw: string }> = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  let t: TestServer;
  let smtpUrl: string;
  beforeAll(async () => {
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    t = await startTestServer(kind, { config: { dataDir, sipEnabled: false } });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => smtp.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pcm = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  const store = () => ({
    db: t.server.store.db,
    clock: systemClock,
    recordings: fileRecordingStore(dataDir),
    publicUrl: t.url,
    mail: voicemailMailer(smtpUrl, 'voicemail@prolope.test', { warn: () => {} }),
  });

  it('mails the message with its WAV attached to the box’s address, and nothing for a box without one', async () => {
    const c = await t.customer();
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'Alice', pin: '2468', email: `alice-${kind}@example.com` })).body;
    const quiet = (await c.api.post('/v1/voicemail-boxes', { name: 'Quiet', pin: '2468' })).body;
    await saveMessage(store(), { accountId: c.accountId, boxId: quiet.id }, { id: null, from: '+359888000000' }, pcm);
    const message = await saveMessage(store(), { accountId: c.accountId, boxId: box.id }, { id: null, from: '+359888123456' }, pcm);

    const mails = await eventually(
      async () => received.filter((m) => m.to.includes(`alice-${kind}@example.com`)),
      (m) => m.length === 1,
    );
    expect(received.filter((m) => m.raw.includes('+359888000000'))).toEqual([]);
    const raw = mails[0]!.raw;
    expect(raw).toContain('From: voicemail@prolope.test');
    expect(raw).toMatch(/Subject: New voicemail from \+359888123456 \(Alice\)/);
    // The text names the message (quoted-printable may wrap its URL).
    expect(raw).toContain(message.id);
    const part = new RegExp(`Content-Type: audio/wav; name=${message.id}\\.wav\\r\\n[\\s\\S]*?\\r\\n\\r\\n([A-Za-z0-9+/=\\r\\n]+)\\r\\n--`).exec(raw);
    expect(part, 'the WAV attachment').not.toBeNull();
    const wav = Buffer.from(part![1]!.replace(/\r\n/g, ''), 'base64');
    const stored = await (await fetch(message.media_url, { headers: { authorization: `Bearer ${c.key}` } })).arrayBuffer();
    expect(wav.equals(Buffer.from(stored))).toBe(true);
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
  });

  it('stores the message even when the mail server refuses the mail', async () => {
    const c = await t.customer();
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'Bob', pin: '2468', email: 'bob@example.com' })).body;
    const warnings: object[] = [];
    const broken = { ...store(), mail: voicemailMailer('smtp://127.0.0.1:1', 'voicemail@prolope.test', { warn: (obj) => warnings.push(obj) }) };
    const message = await saveMessage(broken, { accountId: c.accountId, boxId: box.id }, { id: null, from: '+359888123456' }, pcm);
    await eventually(
      async () => warnings.length,
      (n) => n === 1,
    );
    expect(warnings).toHaveLength(1);
    expect((await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data.map((m: { id: string }) => m.id)).toEqual([message.id]);
  });
});
