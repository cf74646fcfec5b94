import { describe, expect, it } from 'vitest';
import { invoiceTotals, REVERSE_CHARGE_NOTE, type VatCase, type VatCustomer, vatTreatment } from './vat.js';

const company = (country: string, vatNumber?: string, vatNumberValidated = true): VatCustomer => ({ country, type: 'company', vatNumber, vatNumberValidated });

describe('vatTreatment', () => {
  it.each<[string, VatCustomer, VatCase, number]>([
    ['Bulgarian company', company('BG', 'BG123456789'), 'domestic', 2000],
    ['Bulgarian individual', { country: 'BG', type: 'individual' }, 'domestic', 2000],
    ['German company, VIES-valid number', company('DE', 'DE123456789'), 'eu_reverse_charge', 0],
    [
      'German sole trader, VIES-valid number',
      { country: 'DE', type: 'sole_trader', vatNumber: 'DE123456789', vatNumberValidated: true },
      'eu_reverse_charge',
      0,
    ],
    ['Greek company, EL prefix', company('GR', 'EL123456789'), 'eu_reverse_charge', 0],
    ['lowercase country and spaced number', company('de', 'de 123 456 789'), 'eu_reverse_charge', 0],
    ['Greek company, GR prefix (not a VAT prefix)', company('GR', 'GR123456789'), 'eu_consumer', 2000],
    ['French company with a German number', company('FR', 'DE123456789'), 'eu_consumer', 2000],
    ['German company, number not validated', company('DE', 'DE123456789', false), 'eu_consumer', 2000],
    ['German company, no number', company('DE'), 'eu_consumer', 2000],
    ['German individual', { country: 'DE', type: 'individual', vatNumber: 'DE123456789', vatNumberValidated: true }, 'eu_consumer', 2000],
    ['US company', company('US'), 'outside_eu', 0],
    ['UK company (not EU since 2021)', company('GB', 'GB123456789'), 'outside_eu', 0],
    ['Swiss individual', { country: 'CH', type: 'individual' }, 'outside_eu', 0],
  ])('%s: %s at %i bp', (_name, customer, expectedCase, rate) => {
    const treatment = vatTreatment(customer);
    expect(treatment.case).toBe(expectedCase);
    expect(treatment.rateBasisPoints).toBe(rate);
    expect(treatment.note === null).toBe(expectedCase === 'domestic' || expectedCase === 'eu_consumer');
  });

  it('carries the reverse-charge note word for word', () => {
    expect(vatTreatment(company('AT', 'ATU12345678')).note).toBe('Reverse charge: VAT to be accounted for by the recipient, Art. 196 of Directive 2006/112/EC');
    expect(REVERSE_CHARGE_NOTE).toContain('Art. 196');
  });

  it('notes a supply outside the EU', () => {
    expect(vatTreatment(company('US')).note).toBe('Outside the scope of EU VAT: the place of supply is outside the European Union');
  });
});

describe('invoiceTotals', () => {
  const domestic = vatTreatment(company('BG'));
  const reverse = vatTreatment(company('DE', 'DE123456789'));
  it.each([
    ['two lines', domestic, [{ amount: 1000 }, { amount: 2000 }], { taxableBase: 3000, nonTaxable: 0, vat: 600, total: 3600 }],
    [
      'VAT rounds once on the base (per line: 0+0+0)',
      domestic,
      [{ amount: 2 }, { amount: 2 }, { amount: 2 }],
      { taxableBase: 6, nonTaxable: 0, vat: 1, total: 7 },
    ],
    [
      'VAT rounds once on the base (per line: 3+3+3)',
      domestic,
      [{ amount: 13 }, { amount: 13 }, { amount: 13 }],
      { taxableBase: 39, nonTaxable: 0, vat: 8, total: 47 },
    ],
    ['a discount line lowers the base', domestic, [{ amount: 10_000 }, { amount: -2500 }], { taxableBase: 7500, nonTaxable: 0, vat: 1500, total: 9000 }],
    [
      'a penalty line carries no VAT',
      domestic,
      [{ amount: 4990 }, { amount: 140, taxable: false }],
      { taxableBase: 4990, nonTaxable: 140, vat: 998, total: 6128 },
    ],
    ['reverse charge', reverse, [{ amount: 5000 }], { taxableBase: 5000, nonTaxable: 0, vat: 0, total: 5000 }],
    ['no lines', domestic, [], { taxableBase: 0, nonTaxable: 0, vat: 0, total: 0 }],
  ])('%s', (_name, treatment, lines, expected) => {
    expect(invoiceTotals(lines, treatment, 'EUR')).toEqual({ currency: 'EUR', ...expected });
  });

  it('refuses a fractional line', () => {
    expect(() => invoiceTotals([{ amount: 10.5 }], domestic, 'EUR')).toThrow(RangeError);
  });
});
