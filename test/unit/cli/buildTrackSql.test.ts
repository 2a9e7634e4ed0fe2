import { describe, expect, it } from 'vitest';
import { buildTrackSql } from '../../../functions/cli/buildTrackSql.ts';
import { quoteLiteral } from '../../../functions/cli/quoteLiteral.ts';

describe('quoteLiteral', () => {
  it('doubles single quotes', () => {
    expect(quoteLiteral("o'brien")).toBe("'o''brien'");
  });

  it('uses an E-string with doubled backslashes when there is a backslash', () => {
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(quoteLiteral("a\\'; drop table x; --")).toBe("E'a\\\\''; drop table x; --'");
  });

  it('refuses NUL, which PostgreSQL text cannot hold', () => {
    expect(() => quoteLiteral('a\0b')).toThrow(/NUL/);
  });
});

describe('buildTrackSql', () => {
  it('prints the minimal call and binds every value as a parameter', () => {
    const sql = buildTrackSql({ table: 'public.orders', tenantColumn: 'tenant_id' });
    expect(sql.printable).toBe("select rowhook.track_table('public.orders', 'tenant_id');");
    expect(sql.query).toEqual({
      text: 'select rowhook.track_table($1::regclass, $2::name, $3::text, $4::text[], $5::text[])',
      values: ['public.orders', 'tenant_id', null, null, null],
    });
  });

  it('names the optional arguments and quotes each array element', () => {
    const sql = buildTrackSql({
      table: '"Order Lines"',
      tenantColumn: 'org id',
      prefix: 'billing.line',
      exclude: ['internal_notes', "it's"],
    });
    expect(sql.printable).toBe(
      "select rowhook.track_table('\"Order Lines\"', 'org id', event_prefix => 'billing.line', " +
        "exclude_columns => array['internal_notes', 'it''s']::text[]);",
    );
    expect(sql.query.values).toEqual([
      '"Order Lines"',
      'org id',
      'billing.line',
      null,
      ['internal_notes', "it's"],
    ]);
  });
});
