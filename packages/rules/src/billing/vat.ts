import { type Currency, percentOf } from './money.js';

/**
 * VAT on Prolope's invoices. Terms 7.1: "All fees are exclusive of applicable taxes (VAT, sales tax), which
 * will be added where required by law"; the terms name no case, so the cases are the law's, as issue 6 sets
 * them out. Prolope supplies from Bulgaria.
 *
 * - `domestic`: a customer established in Bulgaria, business or not: 20 % Bulgarian VAT.
 * - `eu_reverse_charge`: a business in another member state with a VAT number validated in VIES: no VAT
 *   charged, the recipient accounts for it (Directive 2006/112/EC arts. 44 and 196), with the mandatory note.
 * - `eu_consumer`: anyone else in another member state, including a business without a validated VAT number
 *   (no proof it is a taxable person): 20 % Bulgarian VAT. This holds while Prolope's cross-border B2C
 *   telecom and e-services stay under the EUR 10,000 a year of art. 59c; above it the customer's member-state
 *   rate applies through OSS, which this function does not model (flagged in issue 6's report).
 * - `outside_eu`: a customer established outside the EU: outside the scope of EU VAT, 0 %, with a note.
 */
export type VatCase = 'domestic' | 'eu_reverse_charge' | 'eu_consumer' | 'outside_eu';

export interface VatCustomer {
  /** ISO 3166-1 alpha-2 country of establishment (`legal_entity.country`). */
  country: string;
  /** `legal_entity.type`: a sole trader is a business for VAT. */
  type: 'company' | 'sole_trader' | 'individual';
  /** VAT number with its prefix (`DE123456789`; Greece uses `EL`). */
  vatNumber?: string | null;
  /** True only when VIES confirmed the number: validation is I/O, so the caller does it. */
  vatNumberValidated?: boolean;
}

export interface VatTreatment {
  case: VatCase;
  /** Rate in basis points: 2000 = 20 %. */
  rateBasisPoints: number;
  /** Text the invoice must carry, or null. */
  note: string | null;
  noteBg: string | null;
}

export const BULGARIAN_VAT_BASIS_POINTS = 2000;

export const REVERSE_CHARGE_NOTE = 'Reverse charge: VAT to be accounted for by the recipient, Art. 196 of Directive 2006/112/EC';
const REVERSE_CHARGE_NOTE_BG = 'Обратно начисляване: ДДС се начислява от получателя, чл. 196 от Директива 2006/112/ЕО';
export const OUTSIDE_SCOPE_NOTE = 'Outside the scope of EU VAT: the place of supply is outside the European Union';
const OUTSIDE_SCOPE_NOTE_BG = 'Извън обхвата на ДДС в ЕС: мястото на изпълнение е извън Европейския съюз';

/** Member states by ISO country code (Northern Ireland's XI counts for goods only, so not here). */
// biome-ignore format: two rows of codes read better than 27 lines
export const EU_COUNTRIES: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
]);

/** The VAT number prefix of a member state: the ISO code, except Greece (EL). */
function vatPrefix(country: string): string {
  return country === 'GR' ? 'EL' : country;
}

/** Which VAT case applies to a customer, its rate and the note its invoices carry. */
export function vatTreatment(customer: VatCustomer): VatTreatment {
  const country = customer.country.toUpperCase();
  if (country === 'BG') return { case: 'domestic', rateBasisPoints: BULGARIAN_VAT_BASIS_POINTS, note: null, noteBg: null };
  if (!EU_COUNTRIES.has(country)) return { case: 'outside_eu', rateBasisPoints: 0, note: OUTSIDE_SCOPE_NOTE, noteBg: OUTSIDE_SCOPE_NOTE_BG };
  const number = customer.vatNumber?.replace(/\s/g, '').toUpperCase() ?? '';
  // The number must be validated and belong to the customer's own member state.
  const business = customer.type !== 'individual' && customer.vatNumberValidated === true && number.startsWith(vatPrefix(country));
  if (business) return { case: 'eu_reverse_charge', rateBasisPoints: 0, note: REVERSE_CHARGE_NOTE, noteBg: REVERSE_CHARGE_NOTE_BG };
  return { case: 'eu_consumer', rateBasisPoints: BULGARIAN_VAT_BASIS_POINTS, note: null, noteBg: null };
}

export interface InvoiceLineAmount {
  /** Net amount in minor units (negative for a discount or credit line). */
  amount: number;
  /** False for late-payment penalties: a contractual penalty is compensation, not a supply, so no VAT. */
  taxable?: boolean;
}

export interface InvoiceTotals {
  currency: Currency;
  /** Sum of the taxable lines: the taxable base VAT is computed on. */
  taxableBase: number;
  /** Sum of the lines outside VAT (penalties). */
  nonTaxable: number;
  vat: number;
  total: number;
}

/**
 * Totals of an invoice. VAT is computed once on the invoice's taxable base, not per line and summed:
 * the Bulgarian VAT Act (art. 114) has the invoice state the taxable amount and the tax on it, and one
 * rounding keeps `vat` equal to rate x base to the cent however many lines there are.
 */
export function invoiceTotals(lines: readonly InvoiceLineAmount[], treatment: VatTreatment, currency: Currency): InvoiceTotals {
  let taxableBase = 0;
  let nonTaxable = 0;
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amount)) throw new RangeError(`line amount must be integer minor units: ${line.amount}`);
    if (line.taxable === false) nonTaxable += line.amount;
    else taxableBase += line.amount;
  }
  const vat = percentOf(taxableBase, treatment.rateBasisPoints);
  return { currency, taxableBase, nonTaxable, vat, total: taxableBase + nonTaxable + vat };
}
