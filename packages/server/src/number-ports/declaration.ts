/**
 * The ownership declaration a customer accepts when asking to port numbers in (terms 4.2). The
 * full text is stored with each request, so what was accepted stays provable after this constant
 * changes; the version inside the text says which wording it was. Change the wording only by
 * bumping the version.
 */
export const DECLARATION_VERSION = '2025-03-01';

export const DECLARATION_TEXT =
  `Ownership declaration for number porting (Prolope Terms and Conditions, section 4.2; wording version ${DECLARATION_VERSION}). ` +
  'The Customer declares lawful ownership or usage rights over all telephone numbers used with the Services, ' +
  'including every number in this porting request. ' +
  'The Customer is responsible for all actions associated with their telephone numbers, including outbound and inbound calls, ' +
  'caller identification, and call forwarding.';
