/**
 * Money as integer minor units (cents, stotinki) with its currency. No floating point touches an amount:
 * products and ratios run in BigInt and are rounded once, explicitly.
 *
 * Rounding is half-up on minor units (half away from zero for negatives, so a credit note mirrors its
 * invoice): it is the rule of Bulgarian accounting practice and of the euro changeover (Regulation
 * 1103/97 art. 5 and the Bulgarian Euro Adoption Act), and it is what a customer's calculator does.
 * Banker's rounding only pays off over millions of summed roundings; each invoice here rounds once per
 * total, so it would only make amounts harder to check by hand.
 */
export type Currency = 'EUR' | 'BGN';

export const currencies: readonly Currency[] = ['EUR', 'BGN'];

export interface Money {
  /** Minor units (cents or stotinki): always a safe integer. */
  amount: number;
  currency: Currency;
}

/** Builds Money; throws when the amount is not a safe integer of minor units. */
export function money(amount: number, currency: Currency): Money {
  assertMinor(amount);
  return { amount, currency };
}

/** Throws a RangeError unless the value is a safe integer (an amount in minor units). */
export function assertMinor(amount: number, what = 'amount'): void {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${what} must be an integer number of minor units: ${amount}`);
}

/**
 * round_half_up(value * numerator / denominator) on integers, exact for any size of input.
 * Every percentage, proration and index in billing goes through here.
 */
export function mulDiv(value: number, numerator: number | bigint, denominator: number | bigint): number {
  assertMinor(value, 'value');
  const den = BigInt(denominator);
  if (den <= 0n) throw new RangeError(`denominator must be positive: ${denominator}`);
  return divideHalfUp(BigInt(value) * BigInt(numerator), den);
}

/** round_half_up(numerator / denominator) for a BigInt numerator: the one rounding rule. */
export function divideHalfUp(numerator: bigint, denominator: bigint): number {
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  let quotient = abs / denominator;
  if ((abs % denominator) * 2n >= denominator) quotient += 1n;
  const result = Number(negative ? -quotient : quotient);
  assertMinor(result, 'result');
  return result;
}

/** A percentage of an amount, with the rate in basis points (20 % = 2000, 0.2 % = 20), rounded half-up. */
export function percentOf(amount: number, basisPoints: number): number {
  return mulDiv(amount, basisPoints, 10_000);
}

/** Sums amounts of one currency; throws when currencies are mixed (they never convert implicitly). */
export function sumMoney(items: readonly Money[], currency: Currency): Money {
  let total = 0;
  for (const item of items) {
    if (item.currency !== currency) throw new RangeError(`cannot add ${item.currency} to ${currency}`);
    total += item.amount;
  }
  return money(total, currency);
}

/** The fixed conversion rate of the lev: 1 EUR = 1.95583 BGN, as five-decimal integer parts. */
const BGN_PER_EUR = { numerator: 195_583n, denominator: 100_000n };

/**
 * Converts a BGN amount to EUR at the fixed rate, rounded half-up to the cent (Bulgaria adopted the
 * euro on 1 January 2026; agreements quoted in leva are converted this way, never through a float).
 */
export function bgnToEur(amount: number): number {
  assertMinor(amount);
  return divideHalfUp(BigInt(amount) * BGN_PER_EUR.denominator, BGN_PER_EUR.numerator);
}

/** A plain decimal string of an amount, `'1234.56'` or `'-0.05'`: for APIs, CSV and logs. */
export function formatAmount(amount: number): string {
  assertMinor(amount);
  const abs = Math.abs(amount);
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return amount < 0 ? `-${text}` : text;
}

/** Parses `'1234.56'`, `'12.5'` or `'-3'` into minor units without a float; throws on anything else. */
export function parseAmount(text: string): number {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal amount with at most two decimals: ${JSON.stringify(text)}`);
  const minor = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  assertMinor(minor);
  return m[1] && minor !== 0 ? -minor : minor;
}

/**
 * An amount for people: `'EUR 1,234.56'` in English, `'1 234,56 €'` or `'1 234,56 лв.'` in Bulgarian
 * (the Bulgarian standard uses a space to group thousands and a decimal comma).
 */
export function formatMoney(value: Money, locale: 'en' | 'bg' = 'en'): string {
  const [whole = '0', cents = '00'] = formatAmount(Math.abs(value.amount)).split('.');
  const sign = value.amount < 0 ? '-' : '';
  if (locale === 'en') return `${value.currency} ${sign}${group(whole, ',')}.${cents}`;
  const symbol = value.currency === 'EUR' ? '€' : 'лв.';
  return `${sign}${group(whole, ' ')},${cents} ${symbol}`;
}

function group(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}
