import { ProblemError } from '../errors.js';

export const documentContentTypes = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type DocumentContentType = (typeof documentContentTypes)[number];

const PARAM = '/body/content_base64';

// Standard alphabet, padded to a multiple of 4. Node's decoder skips anything it does not know,
// so a URL-safe, truncated or line-wrapped string would silently become a different file.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes the upload, refusing anything that is not canonical standard base64. */
export function decodeBase64Strict(input: string): Buffer {
  if (input.startsWith('data:')) {
    throw new ProblemError('validation_failed', 'content_base64 starts with a data: URL prefix; send only the base64 after the comma.', { param: PARAM });
  }
  if (/\s/.test(input)) {
    throw new ProblemError('validation_failed', 'content_base64 contains whitespace or line breaks; send the base64 as one unbroken string.', {
      param: PARAM,
    });
  }
  if (/[-_]/.test(input)) {
    throw new ProblemError('validation_failed', 'content_base64 looks URL-safe (- or _); use the standard base64 alphabet with + and /.', { param: PARAM });
  }
  const bytes = BASE64.test(input) ? Buffer.from(input, 'base64') : undefined;
  // Re-encoding catches non-zero padding bits, which would otherwise decode to the same bytes as another string.
  if (!bytes || bytes.toString('base64') !== input) {
    throw new ProblemError(
      'validation_failed',
      'content_base64 is not valid base64: use the standard alphabet (A-Z, a-z, 0-9, +, /), padded with = to a multiple of 4 characters.',
      { param: PARAM },
    );
  }
  return bytes;
}

const signatures: Record<DocumentContentType, { bytes: number[]; name: string }> = {
  'application/pdf': { bytes: [...Buffer.from('%PDF-')], name: 'PDF (%PDF-)' },
  'image/png': { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], name: 'PNG' },
  'image/jpeg': { bytes: [0xff, 0xd8, 0xff], name: 'JPEG' },
};

/** The content type whose signature the bytes start with, if any of the accepted ones. */
export function sniffContentType(bytes: Buffer): DocumentContentType | undefined {
  return documentContentTypes.find((type) => signatures[type].bytes.every((b, i) => bytes[i] === b));
}

/**
 * Checks the file is what content_type says: the carrier needs to open it, and a mislabelled
 * upload is usually the wrong file or a double-encoded one.
 */
export function checkContentType(bytes: Buffer, declared: DocumentContentType): void {
  const actual = sniffContentType(bytes);
  if (actual === declared) return;
  const found = actual ? `a ${signatures[actual].name} file; send content_type ${actual}` : 'not a PDF, PNG or JPEG file (was it base64-encoded twice?)';
  throw new ProblemError('document_content_mismatch', `content_type is ${declared} but the content is ${found}.`, { param: PARAM });
}
