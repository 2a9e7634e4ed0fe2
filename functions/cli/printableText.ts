/**
 * Text from the API (an event body is free text) made safe for a terminal: control and format
 * characters (escape sequences, bidi overrides) are shown as \u{..} instead of acting on the
 * terminal. Newlines and tabs stay, so a pretty-printed body keeps its shape.
 */
export function printableText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, (char) =>
    char === '\n' || char === '\t' ? char : `\\u{${char.codePointAt(0)?.toString(16)}}`,
  );
}
