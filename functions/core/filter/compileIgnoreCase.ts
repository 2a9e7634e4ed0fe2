/**
 * `equals-ignore-case` exactly as event-ruler does it (input/EqualsIgnoreCaseParser.java): the pattern, not the
 * event value, is expanded. Each UTF-16 unit c of the pattern matches the text of c.toLowerCase(Locale.ROOT) or
 * of c.toUpperCase(Locale.ROOT), each taken alone, and the event value must be a run of such pieces. So full
 * case mappings apply ("ß" also matches "SS", "İ" also matches "i̇"), but only one step away from the
 * pattern's own letters: "ß" does not match "ss", "ı" matches "I" but not "i", "ς" matches "Σ" but not "σ", and
 * the Kelvin sign matches "k" while "k" does not match it. A surrogate half encodes alone to UTF-8 as "?", so
 * characters outside the Basic Multilingual Plane in a pattern match only "?" characters, as in event-ruler.
 */
type Mode = 'equals' | 'prefix' | 'suffix';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function compileIgnoreCase(pattern: string, mode: Mode): (value: string) => boolean {
  const pieces = foldedPieces(pattern);
  return (value) => matchesPieces(pieces, value.replace(LONE_SURROGATE, '?'), mode);
}

function foldedPieces(pattern: string): (readonly string[])[] {
  const pieces: (readonly string[])[] = [];
  for (let index = 0; index < pattern.length; index++) {
    const code = pattern.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdfff) {
      pieces.push(['?']);
      continue;
    }
    const unit = pattern.charAt(index);
    const lower = unit.toLowerCase();
    const upper = unit.toUpperCase();
    pieces.push(lower === upper ? [lower] : [lower, upper]);
  }
  return pieces;
}

/** Pieces may differ in length ("ß" or "SS"), so this tracks every position the pieces so far can reach. */
function matchesPieces(pieces: readonly (readonly string[])[], value: string, mode: Mode): boolean {
  const fromEnd = mode === 'suffix';
  let positions = new Set([fromEnd ? value.length : 0]);
  const ordered = fromEnd ? [...pieces].reverse() : pieces;
  for (const alternatives of ordered) {
    const next = new Set<number>();
    for (const position of positions) {
      for (const text of alternatives) {
        const start = fromEnd ? position - text.length : position;
        if (start >= 0 && value.startsWith(text, start)) next.add(fromEnd ? start : start + text.length);
      }
    }
    if (next.size === 0) return false;
    positions = next;
  }
  return mode !== 'equals' || positions.has(value.length);
}
