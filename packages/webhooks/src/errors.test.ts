import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  generateSecret,
  readRawBody,
  sign,
  signHeaders,
  verify,
  WebhookBodyTooLargeError,
  type WebhookErrorCode,
  WebhookHeaderError,
  WebhookPayloadError,
  WebhookRawBodyError,
  WebhookSecretError,
  WebhookSignatureError,
  WebhookTimestampError,
  WebhookVerificationError,
} from './index.js';

const NOW = 1_764_149_400;
const secret = generateSecret();
const body = '{"id":"evt_1","object":"event"}';
const headers = signHeaders({
  id: 'evt_1',
  timestamp: NOW,
  payload: body,
  secret,
});

/** Sends a body over `limit` to a real loopback server and rethrows what readRawBody rejected with. */
async function readTooLarge(): Promise<never> {
  const server = createServer((req, res) => {
    readRawBody(req, { limit: 4 }).then(
      () => res.end(),
      (error: unknown) => {
        server.emit('caught', error);
        res.writeHead(413).end();
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const caught = once(server, 'caught');
  await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
    method: 'POST',
    body: 'too long',
  });
  server.close();
  throw (await caught)[0];
}

function rejection(fn: () => unknown): Promise<unknown> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
}

// `satisfies` makes adding a code without a trigger here a type error.
const triggers = {
  raw_body_required: [WebhookRawBodyError, () => verify({} as never, headers, secret, { now: NOW })],
  body_too_large: [WebhookBodyTooLargeError, readTooLarge],
  missing_header: [WebhookHeaderError, () => verify(body, {}, secret, { now: NOW })],
  invalid_header: [WebhookHeaderError, () => verify(body, { ...headers, 'webhook-timestamp': 'x' }, secret)],
  invalid_secret: [WebhookSecretError, () => verify(body, headers, 'secret', { now: NOW })],
  signature_mismatch: [WebhookSignatureError, () => verify(`${body} `, headers, secret, { now: NOW })],
  timestamp_too_old: [WebhookTimestampError, () => verify(body, headers, secret, { now: NOW + 1000 })],
  timestamp_too_new: [WebhookTimestampError, () => verify(body, headers, secret, { now: NOW - 1000 })],
  invalid_json: [
    WebhookPayloadError,
    () =>
      verify(
        '{',
        {
          ...headers,
          'webhook-signature': sign({
            id: 'evt_1',
            timestamp: NOW,
            payload: '{',
            secret,
          }),
        },
        secret,
        { now: NOW },
      ),
  ],
} satisfies Record<WebhookErrorCode, [abstract new (...args: never[]) => WebhookVerificationError, () => unknown]>;

describe('error codes', () => {
  it.each(Object.entries(triggers))('%s is thrown as its own subclass', async (code, [Class, trigger]) => {
    const error = await rejection(trigger);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code, name: Class.name });
    expect((error as Error).message.length).toBeGreaterThan(40);
  });
});
