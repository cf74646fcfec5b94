/** Prolope's mark (a P with a voice wave), drawn for this page; also the favicon. */
export const PROLOPE_LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" role="img" aria-label="Prolope">' +
  '<rect width="32" height="32" rx="8" fill="#3b3bd1"/>' +
  '<path d="M10 25V7h6.5a5.5 5.5 0 0 1 0 11H10" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>' +
  '<path d="M20 24.5a5 5 0 0 0 4-4M20.5 28.5a9 9 0 0 0 7.5-7.5" fill="none" stroke="#9fe6c4" stroke-width="2.2" stroke-linecap="round"/>' +
  '</svg>';
