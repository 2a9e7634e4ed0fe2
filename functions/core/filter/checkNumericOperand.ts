import { FILTER_LIMITS } from './constants.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';

/**
 * Numbers that `numeric` and `anything-but` compare against must fit EventBridge's comparable range, so a
 * filter accepted here behaves the same if it is ever moved to EventBridge.
 */
export function checkNumericOperand(value: unknown, path: string, operator: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const hint =
      typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
        ? `; write ${value.trim()} without quotes`
        : '';
    throw new InvalidFilterError(path, `${operator} expects a number, got ${describeValue(value)}${hint}`);
  }
  const max = FILTER_LIMITS.maxNumericMagnitude;
  if (Math.abs(value) > max) {
    throw new InvalidFilterError(
      path,
      `${operator} numbers must be between -${max} and ${max}, got ${value}`,
    );
  }
  if (decimals(value) > FILTER_LIMITS.maxNumericDecimals) {
    throw new InvalidFilterError(
      path,
      `${operator} numbers may have at most ${FILTER_LIMITS.maxNumericDecimals} digits after the decimal point, got ${value}`,
    );
  }
  return value;
}

function decimals(value: number): number {
  const text = String(value);
  // Within ±5e9, String() only switches to exponent form below 1e-6, i.e. past the allowed decimals.
  if (text.includes('e')) return Number.POSITIVE_INFINITY;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}
