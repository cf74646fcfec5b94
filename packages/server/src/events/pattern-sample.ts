/**
 * The shortest string a simple regular expression accepts, for the spec's `pattern`s (`^[A-Z]{2}$`,
 * `^\+[1-9][0-9]{6,14}$`, `^(\*|[a-z_]+)$`): literals, escapes, character classes, groups with
 * alternatives (the first is taken) and quantifiers (their minimum, at least one for `+`).
 * Hand-written because it only has to cover our own patterns; the result is checked against the
 * pattern by the caller, and anything this cannot read gives undefined.
 */
export function patternSample(pattern: string): string | undefined {
  let i = 0;
  const src = pattern;

  function atom(): string | undefined {
    const ch = src[i];
    if (ch === '(') {
      i++;
      if (src.startsWith('?:', i)) i += 2;
      const alternatives: string[] = [];
      let current = '';
      while (i < src.length && src[i] !== ')') {
        if (src[i] === '|') {
          alternatives.push(current);
          current = '';
          i++;
          continue;
        }
        const part = piece();
        if (part === undefined) return undefined;
        current += part;
      }
      alternatives.push(current);
      i++; // ')'
      return alternatives[0];
    }
    if (ch === '[') {
      const end = src.indexOf(']', i + 2);
      if (end < 0 || src[i + 1] === '^') return undefined;
      const body = src.slice(i + 1, end);
      i = end + 1;
      return body[0] === '\\' ? body[1] : body[0];
    }
    if (ch === '\\') {
      const next = src[i + 1];
      i += 2;
      if (next === 'd') return '0';
      if (next === 'w') return 'a';
      if (next === 's') return ' ';
      return next;
    }
    if (ch === '.') {
      i++;
      return 'a';
    }
    i++;
    return ch;
  }

  function piece(): string | undefined {
    const unit = atom();
    if (unit === undefined) return undefined;
    const q = src[i];
    if (q === '*' || q === '?') {
      i++;
      return '';
    }
    if (q === '+') {
      i++;
      return unit;
    }
    if (q === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(src.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return unit.repeat(Number(m[1]));
    }
    return unit;
  }

  let out = '';
  if (src[i] === '^') i++;
  while (i < src.length) {
    if (src[i] === '$' && i === src.length - 1) break;
    if (src[i] === '|') return out; // top-level alternation: the first branch is enough
    const part = piece();
    if (part === undefined) return undefined;
    out += part;
  }
  try {
    return new RegExp(pattern, 'u').test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}
