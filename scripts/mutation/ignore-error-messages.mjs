// A Stryker ignorer: mutants in the wording of error messages are ignored, so the floor measures behaviour,
// not wording. Ignored: the last argument of `new SomethingError(...)` (its message), and the argument that
// only names a value inside a message for the validation helpers below (`instantMs(at, 'startsAt')`), with
// their default names. An error's class and its stable code (WebhookHeaderError's first argument,
// 'invalid_header'; a refusal's code) are still mutated and must be tested.
// @ts-check
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/** Helper name -> the index of its argument that is only message wording. */
const MESSAGE_ARGUMENT = new Map([
  ['instantMs', 1], // rules/sla: the field a RangeError names
  ['hoursToMs', 1],
  ['assertMinor', 1], // rules/billing
  ['refuse', 1], // rules/sla maintenance notice: (code, message, earliest)
  ['toUnixSeconds', 1], // webhooks: the option or argument a TypeError names
  ['decodeSecret', 1], // webhooks: ' at index 2' in the secret error
]);

/** @param {import('@babel/core').NodePath} path */
function isErrorMessage(path) {
  const parent = path.parentPath;
  if (!parent || path.listKey !== 'arguments' || typeof path.key !== 'number') return false;
  if (parent.isNewExpression()) {
    const callee = parent.node.callee;
    return callee.type === 'Identifier' && /Error$/.test(callee.name) && path.key === parent.node.arguments.length - 1;
  }
  if (parent.isCallExpression()) {
    const callee = parent.node.callee;
    return callee.type === 'Identifier' && MESSAGE_ARGUMENT.get(callee.name) === path.key;
  }
  return false;
}

/** `what = 'amount'` in the parameters of one of the helpers above. */
/** @param {import('@babel/core').NodePath} path */
function isDefaultName(path) {
  if (!path.isAssignmentPattern() || path.listKey !== 'params') return false;
  const fn = path.parentPath;
  return !!fn?.isFunctionDeclaration() && !!fn.node.id && MESSAGE_ARGUMENT.get(fn.node.id.name) === path.key;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'error-messages', {
    /** @param {import('@babel/core').NodePath} path */
    shouldIgnore(path) {
      return isErrorMessage(path) || isDefaultName(path) ? 'error-message wording (scripts/mutation/ignore-error-messages.mjs)' : undefined;
    },
  }),
];
