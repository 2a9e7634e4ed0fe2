/**
 * Settles a batch ($2..$7 arrays, in the order the attempts finished) at the clock $1 (null: now()).
 *
 * Matching the receipt ignores a worker whose lease ran out and whose delivery has since been
 * claimed again (perhaps after a redrive): the newer claim decides. Only the settlements that
 * applied move their lanes' failure streaks: a success resets it, failures after the batch's last
 * success add to it (retries and dead letters are failures; discarded deliveries say nothing about
 * the endpoint). Lanes are locked in key order so concurrent settlers cannot deadlock on them.
 * Returns the ids of the settlements that applied.
 */
export const SETTLE_SQL = `
with clock as (select coalesce($1::timestamptz, now()) as now),
settled as (
  update rowhook.deliveries d
     set state = s.state,
         leased = false,
         next_attempt_at = case when s.state = 'pending'
                                then c.now + s.delay_ms * interval '1 millisecond'
                                else d.next_attempt_at end,
         last_status = s.status,
         last_error = s.error,
         finished_at = case when s.state = 'pending' then null else c.now end,
         updated_at = now()
    from unnest($2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::int[], $7::text[])
         with ordinality as s(id, receipt, state, delay_ms, status, error, ord),
         clock c
   where d.id = s.id and d.receipt = s.receipt and d.state = 'pending'
  returning d.id, d.endpoint_id, s.state, s.ord
),
last_success as (
  select endpoint_id, max(ord) filter (where state = 'delivered') as ord
    from settled group by endpoint_id
),
streaks as (
  select s.endpoint_id, ls.ord is not null as recovered,
         count(*) filter (where s.state in ('pending', 'dead') and s.ord > coalesce(ls.ord, 0))::int as failures
    from settled s join last_success ls on ls.endpoint_id = s.endpoint_id
   group by s.endpoint_id, ls.ord
),
-- A success on a lane without a streak changes nothing: skipping it keeps the common settlement
-- from queueing behind a claim that holds the lane.
locked as (
  select l.endpoint_id from rowhook.delivery_lanes l
    join streaks st on st.endpoint_id = l.endpoint_id
   where st.failures > 0 or (st.recovered and l.consecutive_failures <> 0)
   order by l.endpoint_id
   for update of l
),
streaks_kept as (
  update rowhook.delivery_lanes l
     set consecutive_failures = case when st.recovered then st.failures
                                     else l.consecutive_failures + st.failures end
    from streaks st, locked k
   where l.endpoint_id = st.endpoint_id and k.endpoint_id = l.endpoint_id
)
select id from settled`;
