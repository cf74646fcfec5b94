/**
 * Shows enough of an API key to recognise it, never the whole secret.
 *
 * @example
 * ```ts
 * maskKey('pk_live_0123456789abcdefWXYZ'); // 'pk_live_…WXYZ'
 * ```
 */
export function maskKey(key: string): string {
  const prefix = /^[a-z]+_[a-z]+_/.exec(key)?.[0] ?? '';
  return key.length - prefix.length <= 8 ? `${prefix}…` : `${prefix}…${key.slice(-4)}`;
}
