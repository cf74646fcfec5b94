/**
 * The declaration of rights a customer makes with every audio upload (terms 10.2). The full text is
 * stored with each prompt, so what was accepted stays provable after this constant changes; change the
 * wording only by bumping the version.
 */
export const RIGHTS_DECLARATION_VERSION = '2025-03-01';

export const RIGHTS_DECLARATION_TEXT =
  `Declaration for audio materials (Prolope Terms and Conditions, section 10.2; wording version ${RIGHTS_DECLARATION_VERSION}). ` +
  'The Customer declares that all provided audio materials do not violate any third-party copyrights, intellectual property rights, or applicable law. ' +
  'The Customer grants Prolope a non-exclusive right to use the provided materials solely for the purpose of service delivery for the duration of the agreement. ' +
  'The Customer is fully responsible for the content and legality of all audio materials, including compliance with any required legal information or disclosures.';
