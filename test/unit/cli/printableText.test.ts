import { describe, expect, it } from 'vitest';
import { cleanCell } from '../../../functions/cli/formatTable.ts';
import { printableText } from '../../../functions/cli/printableText.ts';

describe('text from the API shown in a terminal', () => {
  it('shows escape sequences and bidi overrides instead of letting them act', () => {
    expect(printableText('{"a":"\u001b[2J\u001b]0;owned\u0007"}')).toBe(
      '{"a":"\\u{1b}[2J\\u{1b}]0;owned\\u{7}"}',
    );
    expect(printableText('abc\u202Edef')).toBe('abc\\u{202e}def');
  });

  it('keeps newlines, tabs and ordinary unicode', () => {
    expect(printableText('{\n\t"name": "Zoë 🚀"\n}')).toBe('{\n\t"name": "Zoë 🚀"\n}');
  });

  it('table cells drop control and format characters alike', () => {
    expect(cleanCell('evil\u202Egnp.exe')).toBe('evil gnp.exe');
    expect(cleanCell('a\u001b[31mb')).toBe('a [31mb');
  });
});
