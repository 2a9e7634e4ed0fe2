/** The purge and erasure functions of migration 0017, as both runtimes call them (pg: $n; Data API: :name). */
export const RETENTION_SQL = {
  purgeDeliveries: (p: { before: string; after: string; limit: string }) =>
    `select last_id::text, scanned, deliveries as removed, attempts
       from rowhook.purge_deliveries(${p.before}::timestamptz, ${p.after}::uuid, ${p.limit}::int)`,
  purgeOutbox: (p: { before: string; after: string; limit: string }) =>
    `select last_id::text, scanned, events as removed from rowhook.purge_outbox(${p.before}::timestamptz, ${p.after}::uuid, ${p.limit}::int)`,
  eraseTenant: (p: { tenant: string }) =>
    `select events::int, attempts::int, deliveries_discarded::int from rowhook.erase_tenant_data(${p.tenant})`,
} as const;
