/**
 * The outbox statements of both outbox adapters: PgOutboxSource (node-postgres, `$n` parameters)
 * and RdsDataOutboxSource (RDS Data API, `:name` parameters). Each passes its placeholders and the
 * two parts its driver makes differ: the columns a claim reads (the Data API reads bodies apart,
 * under its response limit) and the rows the marking joins (arrays for node-postgres, JSON for the
 * Data API, which takes no array parameters).
 */
export const OUTBOX_SQL = {
  /** Oldest first, skipping rows another relay holds; they stay locked until the transaction ends. */
  claimUnpublished: (p: { columns: string; limit: string }) =>
    `select ${p.columns}
       from rowhook.outbox
      where published_at is null
      order by id
      limit ${p.limit}
      for update skip locked`,
  /** `reasons` is a row source `r(id, reason)`: a null reason is published, any other rejected. */
  markPublished: (reasons: string) =>
    `update rowhook.outbox o
        set published_at = now(), publish_error = r.reason
       from ${reasons}
      where o.id = r.id`,
  /** append_event also queues the commit-time nudge, so the relay wakes as for a captured row. */
  appendEvent: (p: { tenantId: string; type: string; body: string; targetEndpointId: string }) =>
    `select rowhook.append_event(${p.tenantId}, ${p.type}, ${p.body}, ${p.targetEndpointId})::text as id`,
} as const;
