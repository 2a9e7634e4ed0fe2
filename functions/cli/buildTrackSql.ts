import { quoteLiteral } from './quoteLiteral.ts';

export interface TrackRequest {
  /** As in SQL: `orders`, `billing.invoices`, `"MixedCase"` (resolved by the ::regclass cast). */
  table: string;
  tenantColumn: string;
  prefix?: string;
  include?: string[];
  exclude?: string[];
}

const arrayLiteral = (items: string[]) => `array[${items.map(quoteLiteral).join(', ')}]::text[]`;

/**
 * `rowhook.track_table(tbl regclass, tenant_column name, event_prefix, include_columns,
 * exclude_columns)` (sql/migrations/0001_capture.sql): `printable` for --print, `query` with bound
 * parameters for running it, so nothing the user typed is spliced into executed SQL.
 */
export function buildTrackSql(request: TrackRequest): {
  printable: string;
  query: { text: string; values: (string | string[] | null)[] };
} {
  const named = [
    request.prefix === undefined ? undefined : `event_prefix => ${quoteLiteral(request.prefix)}`,
    request.include === undefined ? undefined : `include_columns => ${arrayLiteral(request.include)}`,
    request.exclude === undefined ? undefined : `exclude_columns => ${arrayLiteral(request.exclude)}`,
  ].filter((part) => part !== undefined);
  const args = [quoteLiteral(request.table), quoteLiteral(request.tenantColumn), ...named];
  return {
    printable: `select rowhook.track_table(${args.join(', ')});`,
    query: {
      text: 'select rowhook.track_table($1::regclass, $2::name, $3::text, $4::text[], $5::text[])',
      values: [
        request.table,
        request.tenantColumn,
        request.prefix ?? null,
        request.include ?? null,
        request.exclude ?? null,
      ],
    },
  };
}
