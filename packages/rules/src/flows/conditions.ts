import type { Comparison, Condition, Operand } from './flow-document.js';
import type { Variables } from './templates.js';

function operandValue(operand: Operand, vars: Variables): string {
  return 'var' in operand ? (vars[operand.var] ?? '') : String(operand.value);
}

/** Text that reads as a finite number (`42`, `-1.5`), as that number; otherwise undefined. */
function asNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Orders two values: as numbers when both read as numbers, otherwise as text. */
function order(a: string, b: string): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(c: Comparison, vars: Variables): boolean {
  const left = operandValue(c.left, vars);
  if (c.op === 'in') {
    const options = Array.isArray(c.right) ? c.right : [c.right];
    return options.some((o) => order(left, operandValue(o, vars)) === 0);
  }
  const right = operandValue(Array.isArray(c.right) ? (c.right[0] ?? { value: '' }) : c.right, vars);
  switch (c.op) {
    case 'eq':
      return order(left, right) === 0;
    case 'ne':
      return order(left, right) !== 0;
    case 'lt':
      return order(left, right) < 0;
    case 'le':
      return order(left, right) <= 0;
    case 'gt':
      return order(left, right) > 0;
    case 'ge':
      return order(left, right) >= 0;
    case 'starts_with':
      return left.startsWith(right);
    case 'ends_with':
      return left.endsWith(right);
    case 'contains':
      return left.includes(right);
  }
}

/** Whether a condition holds for these variables. */
export function holds(condition: Condition, vars: Variables): boolean {
  if ('all' in condition) return condition.all.every((c) => compare(c, vars));
  if ('any' in condition) return condition.any.some((c) => compare(c, vars));
  return compare(condition, vars);
}

/** The comparisons of a condition, flattened. */
export function comparisonsOf(condition: Condition): Comparison[] {
  if ('all' in condition) return condition.all;
  if ('any' in condition) return condition.any;
  return [condition];
}
