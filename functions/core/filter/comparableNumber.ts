/**
 * event-ruler's ComparableNumber (software/amazon/event/ruler/ComparableNumber.java): the form in which
 * EventBridge compares numbers for `numeric`, `anything-but` and number literals. A number is comparable only
 * if, read exactly as a decimal (BigDecimal, trailing zeros stripped), it has at most six digits after the
 * point and lies within ±5,000,000,000; it is then the exact integer value × 10^6. Anything else (more
 * decimals, a larger magnitude) is not comparable: numeric operators never match it and a number literal
 * matches it only by identical text (JsonRuleCompiler adds both an exact-text and a numeric-equals pattern).
 */
const DECIMALS = 6;
const MAX_SCALED = 5_000_000_000n * 1_000_000n;
const MAX_SCALED_DIGITS = String(MAX_SCALED).length;
const JSON_NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export function comparableNumber(text: string): bigint | undefined {
  const parts = JSON_NUMBER.exec(text);
  if (parts === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = parts;
  const significant = `${whole}${fraction}`.replace(/^0+/, '');
  if (significant === '') return 0n;
  const digits = significant.replace(/0+$/, '');
  // value = digits × 10^-scale; Number() of a huge exponent is ±Infinity, which the checks below refuse.
  const scale = fraction.length - Number(exponent) - (significant.length - digits.length);
  if (scale > DECIMALS) return undefined;
  const shift = DECIMALS - scale;
  if (digits.length + shift > MAX_SCALED_DIGITS) return undefined;
  const scaled = BigInt(digits) * 10n ** BigInt(shift);
  if (scaled > MAX_SCALED) return undefined;
  return sign === '-' ? -scaled : scaled;
}

/**
 * The text a parsed number stands for. Filters reach this module already parsed, so a literal's original
 * spelling is gone. This is the shortest text that reads back as the same double, which is exact for every
 * comparable number, except that an integer past 2^53 is written with all the digits of its exact value
 * (2 ** 60 as 1152921504606846976, not 1152921504606847000), the digits a database writes for that value.
 */
export function numberText(value: number): string {
  return Number.isInteger(value) && Math.abs(value) > Number.MAX_SAFE_INTEGER
    ? BigInt(value).toString()
    : String(value);
}
