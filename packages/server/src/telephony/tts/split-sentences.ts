/**
 * Splits prompt text into sentences so a long prompt can start playing after its first sentence is
 * synthesised instead of after all of it.
 */

/** Sentences longer than this are cut further (at a comma, else a space) so none delays the start much. */
export const MAX_SENTENCE_LENGTH = 300;

/**
 * The sentences of `text`, trimmed, whitespace collapsed, empty ones dropped. Uses the ICU sentence
 * rules of `Intl.Segmenter` for `language` (handles `?!…`, quotes and Cyrillic), then cuts any
 * sentence over {@link MAX_SENTENCE_LENGTH} characters at the last comma, semicolon or colon before
 * the limit, else the last space. Abbreviations such as "Dr." may end a sentence early; that only
 * adds a short pause.
 */
export function splitSentences(text: string, language?: string): string[] {
  const segmenter = new Intl.Segmenter(language ? [language, 'en'] : 'en', { granularity: 'sentence' });
  const out: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    const sentence = segment.replace(/\s+/g, ' ').trim();
    if (sentence) out.push(...cutLong(sentence));
  }
  return out;
}

function cutLong(sentence: string): string[] {
  const parts: string[] = [];
  let rest = sentence;
  while (rest.length > MAX_SENTENCE_LENGTH) {
    const head = rest.slice(0, MAX_SENTENCE_LENGTH);
    const punct = Math.max(head.lastIndexOf(', '), head.lastIndexOf('; '), head.lastIndexOf(': '));
    const space = head.lastIndexOf(' ');
    // Prefer a clause boundary unless it would leave a tiny first piece.
    const cut = punct >= MAX_SENTENCE_LENGTH / 3 ? punct + 1 : space > 0 ? space : MAX_SENTENCE_LENGTH;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}
