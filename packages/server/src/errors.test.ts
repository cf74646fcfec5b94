import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from './errors.js';
import { openapiDocument } from './http/contract.js';
import { errorDocProblems, errorSections } from './test/error-docs.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const codes = Object.keys(errorCodes);

describe('error codes', () => {
  it('docs/errors.md documents every code, under its status, with its meaning and fix, and no code that does not exist', () => {
    expect(errorDocProblems(docs, errorCodes)).toEqual([]);
    expect(
      errorSections(docs)
        .map((s) => s.code)
        .sort(),
    ).toEqual([...codes].sort());
  });

  it("the spec's Problem.code is an enum of exactly these codes (generated from openapi/errors.yaml)", () => {
    expect(openapiDocument.components.schemas.Problem.properties.code.enum).toEqual(codes);
  });

  it('every code is snake_case with a 4xx or 5xx status and a title', () => {
    for (const [code, { status, title }] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(status >= 400 && status <= 599, code).toBe(true);
      expect(title.length, code).toBeGreaterThan(0);
    }
  });
});

// The check itself, on pages that are wrong in each way it must notice.
describe('the docs check', () => {
  const codes = { not_found: { status: 404 }, rate_limited: { status: 429 } };
  const page = (body: string) => `# Error codes\n\nIntro with \`not_found\` in passing.\n\n${body}`;
  const notFound = '## 404 Not Found\n\n### `not_found`\n**Meaning:** No such object.\n**Fix:** Check the id.\n';
  const rateLimited = '## 429 Too Many Requests\n\n### `rate_limited`\n**Meaning:** Too many\nrequests.\n**Fix:** Wait.\n';

  it('passes a page that documents every code', () => {
    expect(errorDocProblems(page(notFound + rateLimited), codes)).toEqual([]);
    expect(errorSections(page(rateLimited))).toEqual([{ code: 'rate_limited', status: 429, meaning: 'Too many\nrequests.', fix: 'Wait.' }]);
  });

  it('fails when a code is missing, even if the page mentions it in passing', () => {
    expect(errorDocProblems(page(rateLimited), codes)).toEqual(['not_found is not documented']);
  });

  it('fails when the page names a code that does not exist, or names one twice', () => {
    const bogus = '### `no_such_code`\n**Meaning:** x\n**Fix:** y\n';
    expect(errorDocProblems(page(notFound + bogus + rateLimited), codes)).toEqual(['no_such_code is documented but is not an error code']);
    expect(errorDocProblems(page(notFound + notFound + rateLimited), codes)).toEqual(['not_found has two sections']);
  });

  it('fails when a code sits under another status, or lacks its meaning or fix', () => {
    expect(errorDocProblems(page(notFound.replace('## 404 Not Found', '## 410 Gone') + rateLimited), codes)).toEqual([
      'not_found is under 410 but answers 404',
    ]);
    expect(errorDocProblems(page(notFound.replace('**Fix:** Check the id.', '**Fix:**') + rateLimited), codes)).toEqual(['not_found has no **Fix:**']);
    expect(errorDocProblems(page(notFound.replace(/\*\*Meaning:\*\*.*\n/, '') + rateLimited), codes)).toEqual(['not_found has no **Meaning:**']);
  });
});
