/**
 * Menu phrases as engines see them: one normal form (lower case, letters, digits spelt out, single
 * spaces) so "Technical Support!" in a flow and "technical support" from an engine are the same phrase.
 */

const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/**
 * The normal form of a phrase or transcript: lower case; digits spelt one by one ("2" -> "two", because
 * callers read menu numbers digit by digit); apostrophes kept inside words ("what's"); everything else
 * that is not a letter becomes a space.
 */
export function normalizePhrase(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[0-9]/g, (d) => ` ${DIGIT_WORDS[Number(d)]} `)
    .replace(/'(?![\p{L}])|(?<![\p{L}])'/gu, ' ')
    .replace(/[^\p{L}']+/gu, ' ')
    .trim();
}

/**
 * The phrase of `phrases` that `transcript` says, for engines that return free text: the longest
 * phrase whose words appear in the transcript as a run ("I'd like technical support please" ->
 * "technical support", not "support"). Null when none does.
 */
export function matchTranscript(transcript: string, phrases: readonly string[]): string | null {
  const heard = ` ${normalizePhrase(transcript)} `;
  let best: { phrase: string; length: number } | null = null;
  for (const phrase of phrases) {
    const words = normalizePhrase(phrase);
    if (words === '') continue;
    if (heard.includes(` ${words} `) && (best === null || words.length > best.length)) best = { phrase, length: words.length };
  }
  return best?.phrase ?? null;
}

/**
 * A JSGF grammar accepting exactly one of `phrases` (already normalized, each word known to the
 * engine's dictionary). Words are quoted-free tokens, so normalization is what keeps JSGF syntax out.
 */
export function menuGrammar(phrases: readonly string[]): string {
  const alternatives = phrases.map((p) => `( ${p} )`).join(' | ');
  return `#JSGF V1.0;\ngrammar menu;\npublic <menu> = ${alternatives};\n`;
}
