import { PICKED_SQL } from './orderedClaimSql.ts';

/**
 * The fair claim, in two statements of one transaction (see PgDeliveryQueue.claim).
 *
 * A lane is one endpoint's share of the queue (rowhook.delivery_lanes). A lane may take as many
 * deliveries as its allowance: its concurrency cap (1 while its circuit breaker is open) minus the
 * attempts it has in flight, bounded by the tokens in its bucket when it has a rate limit.
 * Lanes are served round-robin over tenants, then over a tenant's endpoints (least recently served
 * first), so a tenant's backlog or an endpoint that never answers only ever waits behind itself.
 *
 * Shared parameters: $1 the clock (null: the database's now()), $2 the claim limit,
 * $3 the default endpoint concurrency, $4 the breaker threshold.
 */

/**
 * Attempts in flight per endpoint: leased and not yet past their lease. One pass over the
 * deliveries_in_flight index, whose size is bounded by the attempts running (plus leases of dead
 * workers until they are claimed again), cheaper than a probe per endpoint.
 */
const IN_FLIGHT = `in_flight as (
  select f.endpoint_id, count(*)::int as n
    from rowhook.deliveries f, clock c
   where f.state = 'pending' and f.leased and f.next_attempt_at > c.now
   group by f.endpoint_id
)`;

/** A lane's cap minus its attempts in flight, and its token allowance; `l` lane, `e` endpoint, `i` in_flight. */
const ALLOWANCE = `least(
    $2::int,
    case when l.consecutive_failures >= $4::int then 1 else coalesce(e.max_concurrency, $3::int) end
      - coalesce(i.n, 0),
    coalesce(floor(rowhook.lane_tokens(l.tokens, l.tokens_at, e.rate_limit_per_second, c.now))::int, $2::int)
  )`;

/**
 * Step 1: choose and lock (SKIP LOCKED) up to $2 lanes that have something due and room to take it.
 * Finding lanes with due work is a skip scan over deliveries_endpoint_due: one index descent per
 * endpoint with pending deliveries, never a walk through the backlog. Lanes missing for some
 * endpoint (deliveries written before their lane) are created here, to be served from the next claim.
 */
export const LOCK_LANES_SQL = `
with recursive clock as (select coalesce($1::timestamptz, now()) as now),
heads as (
  (select d.endpoint_id, d.tenant_id, d.next_attempt_at from rowhook.deliveries d
    where d.state = 'pending' order by d.endpoint_id, d.next_attempt_at limit 1)
  union all
  select n.endpoint_id, n.tenant_id, n.next_attempt_at
    from heads h cross join lateral (
      select d.endpoint_id, d.tenant_id, d.next_attempt_at from rowhook.deliveries d
       where d.state = 'pending' and d.endpoint_id > h.endpoint_id
       order by d.endpoint_id, d.next_attempt_at limit 1) n
),
due as (select h.* from heads h, clock c where h.next_attempt_at <= c.now),
${IN_FLIGHT},
missing as (
  insert into rowhook.delivery_lanes (endpoint_id, tenant_id)
  select due.endpoint_id, due.tenant_id from due
   where not exists (select 1 from rowhook.delivery_lanes x where x.endpoint_id = due.endpoint_id)
  on conflict do nothing
),
open as (
  select l.endpoint_id, l.tenant_id,
         row_number() over (partition by l.tenant_id order by l.served, l.endpoint_id) as turn,
         max(l.served) over (partition by l.tenant_id) as tenant_served,
         coalesce(e.ordering = 'per-key', false) as ordered
    from due
    join rowhook.delivery_lanes l on l.endpoint_id = due.endpoint_id
    left join rowhook.endpoints e on e.id = l.endpoint_id
    left join in_flight i on i.endpoint_id = l.endpoint_id
    cross join clock c
   where ${ALLOWANCE} >= 1
)
select l.endpoint_id, o.ordered
  from rowhook.delivery_lanes l join open o on o.endpoint_id = l.endpoint_id
 order by o.turn, o.tenant_served, o.tenant_id
 limit $2
 for update of l skip locked`;

/**
 * Step 2, with the lanes ($5) locked and a snapshot that sees every claim committed before we got
 * them: recompute each lane's allowance, deal the $2 slots round-robin (tenants, then their
 * endpoints), take each lane's oldest due deliveries (SKIP LOCKED; per key, see orderedClaimSql.ts), lease them for $6 ms with a new
 * receipt, and mark the lanes served and their tokens spent.
 */
export const CLAIM_FROM_LANES_SQL = `
with recursive clock as (select coalesce($1::timestamptz, now()) as now),
${IN_FLIGHT},
lanes as (
  select l.endpoint_id, l.tenant_id, l.served, e.rate_limit_per_second as rate,
         rowhook.lane_tokens(l.tokens, l.tokens_at, e.rate_limit_per_second, c.now) as tokens,
         ${ALLOWANCE} as allowance,
         coalesce(e.ordering = 'per-key', false) as ordered
    from rowhook.delivery_lanes l
    left join rowhook.endpoints e on e.id = l.endpoint_id
    left join in_flight i on i.endpoint_id = l.endpoint_id
    cross join clock c
   where l.endpoint_id = any($5::text[])
),
sized as (
  select lanes.*,
         (select count(*)::int from (
            select 1 from rowhook.deliveries d, clock c
             where d.endpoint_id = lanes.endpoint_id and d.state = 'pending' and d.next_attempt_at <= c.now
             limit greatest(lanes.allowance, 0)) x) as size
    from lanes
),
slots as (
  select s.endpoint_id, s.tenant_id,
         row_number() over (partition by s.tenant_id order by k, s.served, s.endpoint_id) as tenant_turn,
         max(s.served) over (partition by s.tenant_id) as tenant_served
    from sized s cross join generate_series(1, s.size) k
),
quota as (
  select endpoint_id, count(*)::int as n
    from (select endpoint_id from slots order by tenant_turn, tenant_served, tenant_id limit $2) dealt
   group by endpoint_id
),
${PICKED_SQL},
claimed as (
  update rowhook.deliveries d
     set attempts = d.attempts + 1,
         receipt = gen_random_uuid(),
         leased = true,
         next_attempt_at = c.now + $6 * interval '1 millisecond',
         updated_at = now()
    from clock c, rowhook.outbox o
   -- An array, not a join: the planner cannot size the lateral pick and would hash-join the
   -- whole table instead of probing the primary key for each picked row.
   where d.id = any (array(select id from picked)) and o.id = d.event_id
  returning d.id, d.event_id, d.endpoint_id, d.tenant_id, d.attempts, d.receipt, o.event_type, o.body,
            d.sequence, d.ordering_key
),
taken as (select endpoint_id, count(*)::int as n from claimed group by endpoint_id),
served as (
  update rowhook.delivery_lanes l
     set served = nextval('rowhook.delivery_claim_seq'),
         tokens = s.tokens - t.n,
         tokens_at = c.now
    from taken t join sized s on s.endpoint_id = t.endpoint_id, clock c
   where l.endpoint_id = t.endpoint_id
)
select * from claimed`;
