// Reads docs/errors.md and lists how it differs from the error codes, so the page cannot fall behind
// the code (the way fastify's test/internals/errors.test.js holds its FST_ERR codes to its docs).

/** One `### \`code\`` section of docs/errors.md, under a `## <status> <reason>` heading. */
export interface ErrorSection {
  code: string;
  status: number | undefined;
  meaning: string;
  fix: string;
}

/** Splits the page into sections; text outside them (the introduction) is ignored. */
export function errorSections(markdown: string): ErrorSection[] {
  const sections: ErrorSection[] = [];
  let status: number | undefined;
  let current: { code: string; status: number | undefined; lines: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const text = current.lines.join('\n');
    const field = (name: string) => new RegExp(`\\*\\*${name}:\\*\\*([\\s\\S]*?)(?=\\n\\*\\*\\w+:\\*\\*|$)`).exec(text)?.[1]?.trim() ?? '';
    sections.push({ code: current.code, status: current.status, meaning: field('Meaning'), fix: field('Fix') });
    current = undefined;
  };
  for (const line of markdown.split('\n')) {
    const group = /^## (\d{3}) /.exec(line);
    const section = /^### `([^`]+)`\s*$/.exec(line);
    if (/^#{1,3} /.test(line)) close();
    if (/^## /.test(line)) status = group ? Number(group[1]) : undefined;
    if (section?.[1]) current = { code: section[1], status, lines: [] };
    else if (current) current.lines.push(line);
  }
  close();
  return sections;
}

/** Every way the page and the codes disagree, one sentence each; empty when they agree. */
export function errorDocProblems(markdown: string, codes: Readonly<Record<string, { status: number }>>): string[] {
  const problems: string[] = [];
  const sections = errorSections(markdown);
  const documented = new Set<string>();
  for (const s of sections) {
    if (documented.has(s.code)) problems.push(`${s.code} has two sections`);
    documented.add(s.code);
    const expected = codes[s.code];
    if (!expected) {
      problems.push(`${s.code} is documented but is not an error code`);
      continue;
    }
    if (s.status !== expected.status) problems.push(`${s.code} is under ${s.status ?? 'no status'} but answers ${expected.status}`);
    if (!s.meaning) problems.push(`${s.code} has no **Meaning:**`);
    if (!s.fix) problems.push(`${s.code} has no **Fix:**`);
  }
  for (const code of Object.keys(codes)) if (!documented.has(code)) problems.push(`${code} is not documented`);
  return problems;
}
