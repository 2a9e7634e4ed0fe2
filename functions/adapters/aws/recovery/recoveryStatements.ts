/**
 * The statements behind resend and recover on AWS (RdsDataRecoveries), over the RDS Data API
 * (`:name` parameters). AWS keeps no delivery rows: what was matched to an endpoint is worked out
 * again from the outbox (published, not rejected, after the endpoint existed) and the endpoint's
 * event types here, its filter in code (EndpointMatcher, as the relay). Jobs are rows of
 * rowhook.recoveries (migration 0015) whose position and last key are outbox ids: the job walks the
 * tenant's outbox in id (outbox) order.
 */

/** Timestamps as ISO text, as the Data API's JSON records would not render them portably. */
const iso = (column: string) => `to_json(${column}) #>> '{}'`;

/**
 * The outbox rows a recover job of endpoint :endpointId (tenant :tenantId, created :createdAt)
 * walks in [:since, :until): the tenant's events of its types (`:allTypes`, or in `:exact`, or
 * starting with one of `:prefixes`, JSON arrays) and the events aimed at it (test events).
 */
const CANDIDATES = `rowhook.outbox o
   where o.tenant_id = :tenantId
     and o.occurred_at >= cast(:since as timestamptz) and o.occurred_at < cast(:until as timestamptz)
     and o.published_at is not null and o.publish_error is null
     and o.published_at >= cast(:createdAt as timestamptz)
     and (o.target_endpoint_id = :endpointId
          or (o.target_endpoint_id is null
              and (cast(:allTypes as boolean)
                   or o.event_type in (select value from json_array_elements_text(cast(:exact as json)))
                   or exists (select 1 from json_array_elements_text(cast(:prefixes as json)) p
                               where left(o.event_type, length(p.value)) = p.value))))`;

/** The webhook-sequence the relay gave (event, :endpointId) (migration 0021), so a re-send repeats it. */
const SEQUENCE_OF = (eventId: string) =>
  `(select s.sequence from rowhook.delivery_sequences s where s.event_id = ${eventId} and s.endpoint_id = :endpointId)`;

const JOB_COLUMNS = `id::text as id, tenant_id, endpoint_id, ${iso('since')} as since, ${iso('until')} as until,
  ${iso('truncated_at')} as truncated_at, status, total, sent, position, last_key, error,
  ${iso('created_at')} as created_at, ${iso('finished_at')} as finished_at`;

export const AWS_RECOVERY_SQL = {
  /** :id event, :tenantId, :endpointId (whose webhook-sequence the event got, if the relay numbered it). */
  event: `select o.id::text as id, o.tenant_id, o.event_type, o.body, o.target_endpoint_id,
                 ${iso('o.occurred_at')} as occurred_at, ${iso('o.published_at')} as published_at, o.publish_error,
                 ${SEQUENCE_OF('o.id')} as sequence
            from rowhook.outbox o where o.id = cast(:id as uuid) and o.tenant_id = :tenantId`,

  /** The oldest event still kept (ids are time-ordered: the primary key answers it). */
  oldestRetained: `select ${iso('occurred_at')} as occurred_at from rowhook.outbox order by id limit 1`,

  /**
   * Counts the window and remembers its last id, so events added to it later are neither counted
   * nor sent; an empty window is done at once. `total` counts by event type: events the filter
   * turns away are taken off it as the batches meet them, so a done job has total = sent.
   */
  create: `with matched as (select o.id from ${CANDIDATES}),
                counted as (select count(*)::int as total, (select id::text from matched order by id desc limit 1) as last_key from matched)
           insert into rowhook.recoveries
                  (id, tenant_id, endpoint_id, since, until, truncated_at, total, last_key, status, finished_at)
           select rowhook.uuidv7(), :tenantId, :endpointId, cast(:since as timestamptz), cast(:until as timestamptz),
                  cast(:truncatedAt as timestamptz), c.total, c.last_key,
                  case when c.total = 0 then 'done' else 'running' end,
                  case when c.total = 0 then now() end
             from counted c
           returning ${JOB_COLUMNS}`,

  /** :id, :tenantId (null: any). */
  get: `select ${JOB_COLUMNS} from rowhook.recoveries
         where id = cast(:id as uuid) and (cast(:tenantId as text) is null or tenant_id = :tenantId)`,

  /** The oldest running job no other run holds; locked until its batch's transaction ends. */
  lockRunning: `select ${JOB_COLUMNS} from rowhook.recoveries
                 where status = 'running'
                 order by created_at, id
                 limit 1
                   for update skip locked`,

  /** The next :limit candidates after :position (null: from the start), up to :lastKey; no bodies. */
  page: `select o.id::text as id, o.event_type, o.target_endpoint_id, ${iso('o.occurred_at')} as occurred_at,
                octet_length(o.body) as body_bytes, ${SEQUENCE_OF('o.id')} as sequence
           from ${CANDIDATES}
            and (cast(:position as uuid) is null or o.id > cast(:position as uuid))
            and o.id <= cast(:lastKey as uuid)
          order by o.id
          limit :limit`,

  /** Bodies of :ids (a JSON array), as text: the exact bytes the relay sent. */
  bodies: `select id::text as id, body from rowhook.outbox
            where id in (select value::uuid from json_array_elements_text(cast(:ids as json)))`,

  /** :id, :sent re-sent, :skipped turned away by the filter, :position, :finished. */
  advance: `update rowhook.recoveries
               set sent = sent + :sent, total = total - :skipped, position = coalesce(:position, position),
                   status = case when cast(:finished as boolean) then 'done' else status end,
                   finished_at = case when cast(:finished as boolean) then now() end
             where id = cast(:id as uuid)`,

  /** :id, :error. */
  fail: `update rowhook.recoveries set status = 'failed', error = :error, finished_at = now()
          where id = cast(:id as uuid)`,
} as const;
