/**
 * The statements behind resend and recover (PgRecoveries), over the local delivery store.
 *
 * RECOVERY_ORDER is the one place that says what "sequence order" is: the order in which an
 * endpoint's deliveries are re-sent and the key a recover job keeps its position by. It is the
 * delivery's per-endpoint `webhook-sequence` (migration 0014; every enqueue numbers its deliveries,
 * and the unique (endpoint_id, sequence) index serves this order); the job stores its position as
 * text, so jobs started before the switch (positioned by delivery id) must finish on the old code.
 */
export const RECOVERY_ORDER = { key: 'd.sequence', type: 'bigint' } as const;

const KEY = RECOVERY_ORDER.key;
const KEY_TYPE = RECOVERY_ORDER.type;

/** An endpoint's deliveries whose event occurred in [since, until): $1 endpoint, $2 since, $3 until. */
const IN_WINDOW = `rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
   where d.endpoint_id = $1 and o.occurred_at >= $2 and o.occurred_at < $3`;

/**
 * Queues deliveries again as a redrive does (pending, attempts from 0, a new claim needed), due in
 * `due` order. One being attempted right now (pending and leased) is left to finish: it is being
 * sent already. One waiting for a retry keeps its attempt count and is due now.
 */
const REQUEUE_SET = `state = 'pending',
       attempts = case when d.state = 'pending' then d.attempts else 0 end,
       receipt = case when d.state = 'pending' then d.receipt end,
       leased = false, finished_at = null, updated_at = now(),
       next_attempt_at = case when d.state = 'pending' then least(d.next_attempt_at, r.due) else r.due end`;

export const RECOVERY_SQL = {
  endpoint: `select tenant_id, created_at, enabled from rowhook.endpoints
              where id = $1 and ($2::text is null or tenant_id = $2)`,

  /** The oldest event still kept (by id, which is time-ordered: the primary key answers it). */
  oldestRetained: 'select occurred_at from rowhook.outbox order by id limit 1',

  /** $1 event, $2 endpoint. */
  deliveryOfEvent: `select d.id, o.id is not null as kept
                      from rowhook.deliveries d left join rowhook.outbox o on o.id = d.event_id
                     where d.event_id = $1 and d.endpoint_id = $2`,

  /** $1 event, $2 tenant. */
  eventOfTenant: 'select 1 from rowhook.outbox where id = $1 and tenant_id = $2',

  /** $1 delivery. Due now; no row when an attempt of it is in flight. */
  resend: `update rowhook.deliveries d set ${REQUEUE_SET}
             from (select $1::uuid as id, now() as due) r
            where d.id = r.id and not (d.state = 'pending' and d.leased)
           returning d.id`,

  /**
   * $1 endpoint, $2 since, $3 until, $4 id, $5 tenant, $6 truncated_at. Counts the window and
   * remembers its last key, so deliveries added to it later are neither counted nor sent; an empty
   * window is done at once.
   */
  create: `with matched as (select ${KEY} as k from ${IN_WINDOW}),
                counted as (select count(*)::int as total,
                                   (select max(k)::text from matched) as last_key
                              from matched)
           insert into rowhook.recoveries
                  (id, tenant_id, endpoint_id, since, until, truncated_at, total, last_key, status, finished_at)
           select $4, $5, $1, $2, $3, $6, c.total, c.last_key,
                  case when c.total = 0 then 'done' else 'running' end,
                  case when c.total = 0 then now() end
             from counted c
           returning *`,

  /** $1 id, $2 tenant (null: any). */
  get: `select * from rowhook.recoveries where id = $1 and ($2::text is null or tenant_id = $2)`,

  anyRunning: "select 1 from rowhook.recoveries where status = 'running' limit 1",

  /** The oldest running job no other runtime holds; locked until the batch commits. */
  lockRunning: `select r.*, exists (select 1 from rowhook.endpoints e where e.id = r.endpoint_id) as endpoint_exists
                  from rowhook.recoveries r
                 where r.status = 'running'
                 order by r.created_at, r.id
                 limit 1
                   for update of r skip locked`,

  /**
   * $1 endpoint, $2 since, $3 until, $4 position (null: from the start), $5 last key, $6 limit,
   * $7 the number already queued, $8 the job's creation time. The next deliveries in order after
   * the position, queued again due one microsecond apart in that order, counted from the job's
   * start so that every batch's come after the previous batch's (the claim takes an endpoint's due
   * deliveries oldest first). The batch stops before the first delivery with an attempt in flight
   * (`blocked`): queued now, that attempt's settlement would mark it delivered and the re-send would
   * be lost; the job takes it up again once the attempt has finished.
   */
  queueBatch: `with picked as (
                 select d.id, ${KEY} as k, d.state = 'pending' and d.leased as in_flight
                   from ${IN_WINDOW}
                    and ($4::text is null or ${KEY} > $4::${KEY_TYPE}) and ${KEY} <= $5::${KEY_TYPE}
                  order by ${KEY}
                  limit $6
                    for update of d
               ),
               blocked as (select (select k from picked where in_flight order by k limit 1) as k),
               ranked as (
                 select p.id, p.k,
                        $8::timestamptz + ($7 + row_number() over (order by p.k)) * interval '1 microsecond' as due
                   from picked p, blocked b
                  where b.k is null or p.k < b.k
               ),
               requeued as (
                 update rowhook.deliveries d set ${REQUEUE_SET}
                   from ranked r
                  where d.id = r.id
               )
               select (select count(*)::int from ranked) as n,
                      (select max(k)::text from ranked) as last,
                      (select k is not null from blocked) as blocked`,

  /** $1 id, $2 queued, $3 position, $4 finished. */
  advance: `update rowhook.recoveries
               set sent = sent + $2, position = coalesce($3, position),
                   status = case when $4 then 'done' else status end,
                   finished_at = case when $4 then now() end
             where id = $1`,

  /** $1 id, $2 why. */
  fail: `update rowhook.recoveries set status = 'failed', error = $2, finished_at = now() where id = $1`,
} as const;
