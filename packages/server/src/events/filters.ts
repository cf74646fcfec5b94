/**
 * Event filters as endpoints and streams use them: `*` (everything), `call.*` (every type that
 * starts with `call.`), or an exact type.
 */
export function matchesFilter(filter: string, type: string): boolean {
  if (filter === '*') return true;
  if (filter.endsWith('.*')) return type.startsWith(filter.slice(0, -1));
  return filter === type;
}

export function matchesAny(filters: readonly string[], type: string): boolean {
  return filters.some((f) => matchesFilter(f, type));
}
