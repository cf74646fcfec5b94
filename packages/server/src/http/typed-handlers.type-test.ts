// Type-level tests of the typed handlers, compiled by `pnpm typecheck` and never run: each
// `@ts-expect-error` fails the build when the error it expects is gone, i.e. when a handler could
// again answer or read something the spec does not describe.
import type { Schema } from './contract.js';
import { defineHandlers, type Handlers } from './typed-handlers.js';

declare const account: Schema<'Account'>;

export const answersOnlySpecFields = defineHandlers({
  // @ts-expect-error a field the spec's Account lacks
  'accounts.me': async () => ({ ...account, nickname: 'not in the spec' }),
});

export const answersOnlySpecFieldsInLists = defineHandlers({
  // @ts-expect-error a field the spec's Account lacks, in a list's items
  'accounts.list': async () => ({ object: 'list', data: [{ ...account, nickname: 'x' }], has_more: false, next_cursor: null }),
});

export const answersSpecFields = defineHandlers({
  'accounts.me': async () => ({ ...account, metadata: { free: 'form' } }),
  'accounts.list': async () => ({ object: 'list', data: [account], has_more: false, next_cursor: null }),
});

export const answersTheSpecType: Handlers = {
  // @ts-expect-error an API key where the spec answers with an account
  'accounts.me': async () => ({ id: 'key_1', object: 'api_key' }),
};

export const cannotSendAroundTheCheck: Handlers = {
  // @ts-expect-error a JSON operation's handler cannot send (Fastify's reply would typecheck as anything)
  'accounts.me': async (_req, reply) => reply.code(200).send({ anything: true }),
};

export const readsOnlySpecBodyFields: Handlers = {
  'accounts.update': async (req) => {
    // @ts-expect-error AccountUpdate has no `nickname`
    const nickname: string = req.body.nickname;
    return { ...account, name: nickname };
  },
};

export const queryIsTyped: Handlers = {
  'accounts.list': async (req) => {
    // @ts-expect-error `limit` is a number in the spec
    const limit: string | undefined = req.query.limit;
    return { object: 'list', data: [], has_more: limit !== undefined, next_cursor: null };
  },
};

export const defaultsArePresent: Handlers = {
  'calls.create': async (req) => {
    // Filled in by validation from the spec's default (30), so no `?? 30` in handlers.
    const timeout: number = req.body.timeout_seconds;
    // @ts-expect-error `sip_trunk_id` has no default: it may be absent
    const trunk: string = req.body.sip_trunk_id;
    throw new Error(`${timeout}${trunk}`);
  },
};
