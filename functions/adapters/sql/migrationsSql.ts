/**
 * The bookkeeping statements of a migrations table, run by the local runner (node-postgres, `$n`
 * parameters) and the deploy-time one (RDS Data API, `:name` parameters): each passes its own
 * placeholders, so both keep the same record and a database can move from one to the other.
 */
export const MIGRATIONS_SQL = {
  createTable: (table: string) =>
    `create table if not exists ${table} (version integer primary key, name text not null,
       checksum text not null, applied_at timestamptz not null default now())`,
  applied: (table: string) => `select version, checksum from ${table}`,
  record: (table: string, p: { version: string; name: string; checksum: string }) =>
    `insert into ${table} (version, name, checksum) values (${p.version}, ${p.name}, ${p.checksum})`,
} as const;
