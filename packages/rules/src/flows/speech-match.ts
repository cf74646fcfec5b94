/** Lower-case words of an utterance, punctuation dropped: `"Billing, please!"` -> `['billing', 'please']`. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** Whether a phrase's words appear together, in order, in what the caller said. */
export function saidPhrase(utterance: string, phrase: string): boolean {
  const said = words(utterance);
  const wanted = words(phrase);
  if (wanted.length === 0) return false;
  for (let i = 0; i + wanted.length <= said.length; i++) {
    if (wanted.every((w, j) => said[i + j] === w)) return true;
  }
  return false;
}
