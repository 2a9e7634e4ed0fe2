/**
 * PostgreSQL text cannot hold NUL characters; receivers' responses and error messages can.
 * Replaces them so a hostile or broken receiver cannot make an attempt record unstorable.
 */
export function storableText(text: string | null): string | null {
  return text === null ? null : text.replaceAll('\u0000', '\uFFFD');
}
