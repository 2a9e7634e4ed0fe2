const MAX_SHOWN_CHARS = 60;

/**
 * Renders an offending value for an error message as the JSON the person wrote, with its kind spelled out,
 * because `"5"` and `5` look alike in prose and the difference is usually the mistake.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (not a JSON number)`;
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
    return `a ${typeof value} (not a JSON value)`;
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    return 'a value that cannot be written as JSON';
  }
  const shown = json.length > MAX_SHOWN_CHARS ? `${json.slice(0, MAX_SHOWN_CHARS - 1)}…` : json;
  return `${shown} (${kindOf(value)})`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
