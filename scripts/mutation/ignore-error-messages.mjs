// A Stryker ignorer: mutants inside the message of `new SomethingError(..., message)` are ignored, so the
// floor measures behaviour, not wording. Only the last argument is skipped: an error's class and its
// stable code (WebhookHeaderError's first argument, 'invalid_header') are still mutated and must be tested.
// @ts-check
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/** @param {import('@babel/core').NodePath} path */
function isErrorMessage(path) {
  const parent = path.parentPath;
  if (!parent?.isNewExpression() || path.listKey !== 'arguments') return false;
  const callee = parent.node.callee;
  if (callee.type !== 'Identifier' || !/Error$/.test(callee.name)) return false;
  return path.key === parent.node.arguments.length - 1;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'error-messages', {
    /** @param {import('@babel/core').NodePath} path */
    shouldIgnore(path) {
      return isErrorMessage(path) ? 'error-message wording (scripts/mutation/ignore-error-messages.mjs)' : undefined;
    },
  }),
];
