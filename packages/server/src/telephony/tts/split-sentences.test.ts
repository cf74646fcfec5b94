import { describe, expect, it } from 'vitest';
import { MAX_SENTENCE_LENGTH, splitSentences } from './split-sentences.js';

describe('splitSentences', () => {
  it('splits on sentence ends and line breaks, collapsing whitespace', () => {
    expect(splitSentences('Hello there. How are   you?  Fine!\nA line without a stop\n\n')).toEqual([
      'Hello there.',
      'How are you?',
      'Fine!',
      'A line without a stop',
    ]);
  });

  it('splits Bulgarian', () => {
    expect(splitSentences('Здравейте! Благодарим ви, че се обадихте. Как сте?', 'bg')).toEqual(['Здравейте!', 'Благодарим ви, че се обадихте.', 'Как сте?']);
  });

  it('gives nothing for blank text', () => {
    expect(splitSentences('  \n ')).toEqual([]);
  });

  it('cuts an overlong sentence at a clause boundary, else a space', () => {
    const clause = 'word '.repeat(30).trim(); // 149 characters
    const long = `${clause}, ${clause}, ${clause}, ${clause}.`;
    const parts = splitSentences(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(MAX_SENTENCE_LENGTH);
    expect(parts[0]!.endsWith(',')).toBe(true);
    expect(parts.join(' ')).toBe(long);

    const noCommas = 'word '.repeat(200).trim();
    const pieces = splitSentences(noCommas);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(MAX_SENTENCE_LENGTH);
    expect(pieces.join(' ')).toBe(noCommas);
  });
});
