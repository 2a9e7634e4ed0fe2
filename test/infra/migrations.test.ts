import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../functions/adapters/sql/loadMigrations.ts';
import { splitStatements } from '../../functions/adapters/sql/splitStatements.ts';
import { synth } from './support.ts';

const MIGRATIONS = path.resolve(import.meta.dirname, '../../sql/migrations');

describe('migrations over the Data API', () => {
  it('synthesizes every migration file with the same sha256 the local runner records', async () => {
    const files = await loadMigrations(MIGRATIONS);
    synth().template.hasResourceProperties('Custom::RowhookMigrations', {
      Migrations: files.map((f) => `${f.name}:${f.checksum}`),
    });
  });

  it('splits each migration into statements without breaking quoted or dollar-quoted bodies', async () => {
    for (const file of await loadMigrations(MIGRATIONS)) {
      const statements = splitStatements(file.sql);
      expect(statements.length, file.name).toBeGreaterThan(0);
      for (const statement of statements) {
        // A cut inside a body would leave an odd number of $$ delimiters.
        expect((statement.match(/\$\$/g) ?? []).length % 2, `${file.name}: ${statement.slice(0, 80)}`).toBe(
          0,
        );
        expect(statement.endsWith(';')).toBe(false);
      }
    }
  });

  it('treats semicolons in strings, identifiers, comments and $tag$ bodies as text', () => {
    const sql = `
      -- a comment; not a statement
      create table "odd;name" (v text default 'a;b' /* c; /* nested; */ d */);
      create function f() returns int language plpgsql as $body$ begin return 1; end $body$;
      do $$ begin perform 'x;'; end $$;
      select 'it''s; fine', $1;
      ;
    `;
    expect(splitStatements(sql)).toEqual([
      `-- a comment; not a statement
      create table "odd;name" (v text default 'a;b' /* c; /* nested; */ d */)`,
      'create function f() returns int language plpgsql as $body$ begin return 1; end $body$',
      "do $$ begin perform 'x;'; end $$",
      "select 'it''s; fine', $1",
    ]);
  });

  it('refuses unterminated quotes rather than running half a statement', () => {
    expect(() => splitStatements("select 'oops;")).toThrow(/Unterminated string/);
    expect(() => splitStatements('do $$ begin')).toThrow(/Unterminated dollar quote/);
  });
});
