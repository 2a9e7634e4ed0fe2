/**
 * Splits a migration file into single statements for the RDS Data API, which runs one statement
 * per ExecuteStatement call. Semicolons inside quotes ('...', "..."), dollar-quoted bodies
 * ($$...$$, $tag$...$tag$) and comments (-- and nested /* *\/) do not end a statement.
 * Statements that are only comments or whitespace are dropped.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  let meaningful = false; // saw something other than whitespace/comments since `start`
  const n = sql.length;

  const push = (end: number) => {
    const text = sql.slice(start, end).trim();
    if (meaningful && text !== '') statements.push(text);
    meaningful = false;
  };

  while (i < n) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
      continue;
    }
    if (ch === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) throw new Error('Unterminated /* comment in migration');
      continue;
    }
    if (ch === "'" || ch === '"') {
      meaningful = true;
      i++;
      while (i < n) {
        if (sql[i] === ch) {
          if (sql[i + 1] === ch)
            i += 2; // doubled quote escapes itself
          else break;
        } else i++;
      }
      if (i >= n) throw new Error(`Unterminated ${ch === "'" ? 'string' : 'quoted identifier'} in migration`);
      i++;
      continue;
    }
    if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      // `$1` parameters and identifiers like a$b are not dollar quotes
      const prev = i > 0 ? sql[i - 1] : ' ';
      if (tag && !/[A-Za-z0-9_]/.test(prev ?? ' ')) {
        meaningful = true;
        const delimiter = tag[0];
        const close = sql.indexOf(delimiter, i + delimiter.length);
        if (close === -1) throw new Error(`Unterminated dollar quote ${delimiter} in migration`);
        i = close + delimiter.length;
        continue;
      }
    }
    if (ch === ';') {
      push(i);
      i++;
      start = i;
      continue;
    }
    if (ch !== undefined && !/\s/.test(ch)) meaningful = true;
    i++;
  }
  push(n);
  return statements;
}
