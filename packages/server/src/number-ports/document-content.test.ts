import { describe, expect, it } from 'vitest';
import { ProblemError } from '../errors.js';
import { checkContentType, decodeBase64Strict, sniffContentType } from './document-content.js';

const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);

function problemOf(fn: () => unknown): ProblemError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProblemError) return err;
    throw err;
  }
  throw new Error('expected a ProblemError');
}

describe('decodeBase64Strict', () => {
  it('decodes canonical base64', () => {
    expect(decodeBase64Strict(pdf.toString('base64'))).toEqual(pdf);
    expect(decodeBase64Strict('YQ==')).toEqual(Buffer.from('a'));
  });

  it.each([
    ['not base64 at all', 'not base64!'],
    ['missing padding', 'YQ'],
    ['a stray character', 'YW*j'],
    ['non-zero padding bits', 'YR=='],
    ['padding in the middle', 'YQ==YQ=='],
    ['whitespace', 'YWJj\nZGVm'],
    ['URL-safe alphabet', 'ab-_'],
    ['a data: URL', 'data:application/pdf;base64,JVBERi0='],
  ])('refuses %s', (_, input) => {
    const problem = problemOf(() => decodeBase64Strict(input));
    expect(problem.code).toBe('validation_failed');
    expect(problem.param).toBe('/body/content_base64');
  });
});

describe('content type check', () => {
  it('recognises PDF, PNG and JPEG', () => {
    expect(sniffContentType(pdf)).toBe('application/pdf');
    expect(sniffContentType(png)).toBe('image/png');
    expect(sniffContentType(jpeg)).toBe('image/jpeg');
    expect(sniffContentType(Buffer.from('hello'))).toBeUndefined();
  });

  it('accepts a file matching its content type', () => {
    expect(() => checkContentType(png, 'image/png')).not.toThrow();
  });

  it('names the type the bytes really are', () => {
    const problem = problemOf(() => checkContentType(png, 'application/pdf'));
    expect(problem.code).toBe('document_content_mismatch');
    expect(problem.status).toBe(422);
    expect(problem.message).toBe('content_type is application/pdf but the content is a PNG file; send content_type image/png.');
  });

  it('suggests double encoding when the bytes are no known type', () => {
    expect(problemOf(() => checkContentType(Buffer.from(pdf.toString('base64')), 'application/pdf')).message).toContain('base64-encoded twice');
  });
});
