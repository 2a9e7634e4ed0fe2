import { CUSTOM_HEADERS, HTTP_TOKEN, REFUSED_HEADER_NAMES, REFUSED_HEADER_PREFIXES } from './constants.ts';
import { InvalidReceiverOptionError } from './errors.ts';

export interface HeaderInput {
  name: string;
  value: string;
}

/**
 * Refuses custom headers a receiver must not get from a tenant: bad names or values, Rowhook's own
 * headers, hop-by-hop headers, duplicates, and too many or too big. `authorization` is the
 * receiver auth's when one is set. Messages name the offending entry, for a 400.
 */
export function checkCustomHeaders(headers: readonly HeaderInput[], hasReceiverAuth: boolean): void {
  if (headers.length > CUSTOM_HEADERS.maxCount) {
    throw new InvalidReceiverOptionError(
      `headers: ${headers.length} given, at most ${CUSTOM_HEADERS.maxCount} are allowed`,
    );
  }
  const seen = new Set<string>();
  let total = 0;
  headers.forEach(({ name, value }, index) => {
    const where = `headers[${index}]`;
    if (!HTTP_TOKEN.test(name) || name.length > CUSTOM_HEADERS.maxNameLength) {
      throw new InvalidReceiverOptionError(
        `${where}.name "${name.slice(0, 80)}" is not an HTTP header name (letters, digits and !#$%&'*+.^_\`|~-, at most ${CUSTOM_HEADERS.maxNameLength})`,
      );
    }
    const lower = name.toLowerCase();
    const refused =
      REFUSED_HEADER_NAMES[lower] ??
      Object.entries(REFUSED_HEADER_PREFIXES).find(([prefix]) => lower.startsWith(prefix))?.[1];
    if (refused) throw new InvalidReceiverOptionError(`${where}.name "${name}" cannot be set: it ${refused}`);
    if (lower === 'authorization' && hasReceiverAuth) {
      throw new InvalidReceiverOptionError(
        `${where}.name "${name}" cannot be set together with receiverAuth, which sends the Authorization header`,
      );
    }
    if (seen.has(lower)) throw new InvalidReceiverOptionError(`${where}.name "${name}" is given twice`);
    seen.add(lower);
    // Field values (RFC 9110 §5.5): visible characters, spaces and tabs; no CR, LF or NUL.
    if (/[\r\n\0]/.test(value)) {
      throw new InvalidReceiverOptionError(`${where}.value must not contain CR, LF or NUL characters`);
    }
    if (/[^\t\x20-\x7e\x80-\uffff]/.test(value)) {
      throw new InvalidReceiverOptionError(`${where}.value must not contain control characters`);
    }
    if (value !== value.trim()) {
      throw new InvalidReceiverOptionError(`${where}.value must not start or end with whitespace`);
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > CUSTOM_HEADERS.maxValueBytes) {
      throw new InvalidReceiverOptionError(
        `${where}.value is ${bytes} bytes; at most ${CUSTOM_HEADERS.maxValueBytes} are allowed`,
      );
    }
    total += bytes + name.length;
  });
  if (total > CUSTOM_HEADERS.maxTotalBytes) {
    throw new InvalidReceiverOptionError(
      `headers: ${total} bytes of names and values; at most ${CUSTOM_HEADERS.maxTotalBytes} are allowed together`,
    );
  }
}
