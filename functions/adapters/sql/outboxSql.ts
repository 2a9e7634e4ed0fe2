/**
 * The outbox statements of both outbox adapters: PgOutboxSource (node-postgres, `$n` parameters)
 * and RdsDataOutboxSource (RDS Data API, `:name` parameters). Each passes its placeholders and the
 * two parts its driver makes differ: the columns a claim reads (the Data API reads bodies apart,
 * under its response limit) and the rows the marking joins (arrays for node-postgres, JSON for the
 * Data API, which takes no array parameters).
 */
export const OUTBOX_SQL = {
  /**
   * Oldest first, skipping rows another relay holds; they stay locked until the transaction ends.
   * Claiming publishes: the rows are marked published (markPublished then records the rejected
   * ones' reasons, in the same transaction) and each body gets its writer's transaction appended
   * as a last top-level field, `"transaction":{"id":"<txid>","position":n,"count":m}`: position
   * (from 1) and count over the outbox rows with the same txid and tenant, in id order (per tenant:
   * a tenant learns nothing of other tenants' events in a shared transaction). Events aimed at one
   * endpoint (test events, the operator's operational events) are Rowhook's own, not a writer's
   * commit: they get no transaction and are not counted. Those rows are all
   * visible, committed together, whether or not this claim took them all. Bodies are built as
   * JSON objects ending in "}", so the field goes before that brace; the bytes stored here are the
   * bytes every delivery, resend and feed read signs.
   */
  claimUnpublished: (p: { columns: string; limit: string }) =>
    `with claimed as (
       select id, txid
         from rowhook.outbox
        where published_at is null
        order by id
        limit ${p.limit}
        for update skip locked
     ),
     tx as (
       select o.id,
              row_number() over (partition by o.txid, o.tenant_id order by o.id) as position,
              count(*) over (partition by o.txid, o.tenant_id) as total
         from rowhook.outbox o
        where o.txid in (select txid from claimed) and o.target_endpoint_id is null
     ),
     published as (
       update rowhook.outbox o
          set published_at = now(),
              body = case when t.id is not null and o.body like '{%}' and o.body <> '{}'
                          then left(o.body, -1) || ',"transaction":{"id":"' || o.txid::text
                               || '","position":' || t.position || ',"count":' || t.total || '}}'
                          else o.body end
         from claimed c left join tx t on t.id = c.id
        where o.id = c.id
       returning o.*
     )
     select ${p.columns} from published order by id`,
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
