/**
 * What an EventBridge API destination sends as the request body, and so what the relay must sign.
 *
 * EventBridge does not forward text: the rule target extracts a JSON value from the event
 * (`InputPath: $.detail.payload`) and, per the input-transformation documentation ("Common issues"),
 * "the JSON that is passed to the target is minified and escaped". PostgreSQL's jsonb text, which
 * the pooled path signs byte for byte, has a space after every `:` and `,` (`{"id": 1, "total":
 * 12.50}`), so signing it would fail every dedicated delivery. A string carried through an input
 * template is no escape hatch either: template strings must be quoted and substituted values are
 * not escaped (same page), so the receiver would get a JSON string literal or broken JSON.
 *
 * So the relay signs the minified form and carries the body as a JSON value (`payload`), for the
 * bodies whose minified form cannot come out of a minifying JSON serializer any other way:
 *   - the text is a fixed point of parse → minified stringify (numbers in shortest form, so
 *     `12.50` or an integer past 2^53 is out; object keys in an order parsing keeps);
 *   - integers are within ±(2^53 − 1) and numbers have no exponent (how a serializer writes
 *     doubles outside that range differs);
 *   - strings are printable ASCII with no escapes but `\"` and `\\` (whether EventBridge escapes
 *     non-ASCII or how it writes control characters is not documented).
 * Any other body is delivered pooled (the deliver Lambda signs the exact jsonb text). The canary on a
 * real deployment is what confirms this; dedicated delivery stays opt-in until it has passed.
 */
export type ApiDestinationPayload =
  | { ok: true; payload: unknown; wire: string }
  | { ok: false; reason: string };

export function apiDestinationPayload(body: string): ApiDestinationPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return { ok: false, reason: 'the body is not a JSON object or array' };
  }
  const wire = JSON.stringify(parsed);
  const original = scanJson(body);
  if (original.minified !== wire) {
    return {
      ok: false,
      reason: `its minified text changes when re-serialized (at character ${firstDifference(original.minified, wire)}: a number such as 12.50 or an integer past 2^53, or key order)`,
    };
  }
  const scanned = scanJson(wire);
  const number = scanned.numbers.find((n) => !/^-?\d+(\.\d+)?$/.test(n) || !withinSafeRange(n));
  if (number !== undefined) return { ok: false, reason: `number ${number} may be written differently` };
  if (scanned.unsafeText) {
    return {
      ok: false,
      reason: 'it has non-ASCII or control characters, or escapes other than \\" and \\\\',
    };
  }
  return { ok: true, payload: parsed, wire };
}

function withinSafeRange(number: string): boolean {
  if (number.includes('.')) return Math.abs(Number(number)) <= Number.MAX_SAFE_INTEGER;
  return Number.isSafeInteger(Number(number));
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/**
 * One pass over valid JSON text: the text without insignificant whitespace, its number tokens, and
 * whether any string holds a character outside printable ASCII or an escape other than \" and \\.
 */
function scanJson(text: string): { minified: string; numbers: string[]; unsafeText: boolean } {
  let minified = '';
  const numbers: string[] = [];
  let unsafeText = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      const start = i;
      i++;
      while (text[i] !== '"') {
        const code = text.charCodeAt(i);
        if (code < 0x20 || code > 0x7e) unsafeText = true;
        if (text[i] === '\\') {
          if (text[i + 1] !== '"' && text[i + 1] !== '\\') unsafeText = true;
          i++;
        }
        i++;
      }
      i++;
      minified += text.slice(start, i);
    } else if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const start = i;
      while (i < text.length && /[-+.eE0-9]/.test(text[i] as string)) i++;
      const token = text.slice(start, i);
      numbers.push(token);
      minified += token;
    } else {
      minified += c;
      i++;
    }
  }
  return { minified, numbers, unsafeText };
}
