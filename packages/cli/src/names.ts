/**
 * Turns an API or table name into its command-line spelling: `apiKeys` → `api-keys`,
 * `legal_entity` → `legal-entity`, `starting_after` → `starting-after`.
 *
 * @example
 * ```ts
 * toKebab('apiKeys'); // 'api-keys'
 * toKebab('confirms_age_18_or_over'); // 'confirms-age-18-or-over'
 * ```
 */
export function toKebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

/**
 * Turns a command-line spelling back into the API's snake_case: `legal-entity` → `legal_entity`.
 *
 * @example
 * ```ts
 * toSnake('starting-after'); // 'starting_after'
 * ```
 */
export function toSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
}

// Words the help text writes in capitals; resource names only ever carry them in lower case.
const ACRONYMS = new Set(['api', 'sip', 'ip', 'url']);

/**
 * A resource name as words for help text, acronyms in capitals.
 *
 * @example
 * ```ts
 * resourceWords('sipTrunks'); // 'SIP trunks'
 * resourceWords('numberPorts'); // 'number ports'
 * ```
 */
export function resourceWords(resource: string): string {
  return toKebab(resource)
    .split('-')
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word))
    .join(' ');
}
