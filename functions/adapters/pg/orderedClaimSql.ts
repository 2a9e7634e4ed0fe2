/**
 * The `picked` step of the fair claim (CLAIM_FROM_LANES_SQL), which knows about ordering per key.
 * In scope: `clock` (c.now), `lanes` (with `ordered`: the endpoint is per-key) and `quota` (each
 * lane's dealt slots `n`).
 *
 * Deliveries without an ordering key (every delivery of an unordered endpoint) are taken as
 * before: each lane's oldest due ones. Keyed deliveries (per-key endpoints) are taken only at the
 * head of their key: the key's earliest pending delivery by event id (commit order), when it is
 * due and nothing of its key is in flight (a lease not yet run out). So a retry or a redriven dead
 * letter holds the rest of its key back; an attempt in flight is never overtaken; an expired lease
 * (a crashed worker) is taken again in its turn. Heads are found by a skip scan of
 * deliveries_ordering, one descent per key with pending deliveries, so a claim costs the number of
 * keys waiting, not the number of deliveries queued behind them.
 *
 * A per-key lane normally has no unkeyed deliveries (the enqueue gives events without a key one of
 * their own); for those that slip in (enqueued while the endpoint was switched to per-key), only
 * the lane's 100 oldest due deliveries are looked at, so a per-key lane never walks its backlog.
 * Lanes are locked by the claim, so two claimers never take two deliveries of one key.
 */
export const PICKED_SQL = `
key_walk as (
  (select q.endpoint_id, k.ordering_key
     from quota q cross join lateral (
       select d.ordering_key from rowhook.deliveries d
        where d.endpoint_id = q.endpoint_id and d.state = 'pending' and d.ordering_key is not null
        order by d.ordering_key limit 1) k)
  union all
  select w.endpoint_id, k.ordering_key
    from key_walk w cross join lateral (
      select d.ordering_key from rowhook.deliveries d
       where d.endpoint_id = w.endpoint_id and d.state = 'pending' and d.ordering_key is not null
         and d.ordering_key > w.ordering_key
       order by d.ordering_key limit 1) k
),
key_heads as (
  select w.endpoint_id, h.id,
         row_number() over (partition by w.endpoint_id order by h.next_attempt_at, h.id) as turn
    from key_walk w cross join clock c cross join lateral (
      select d.id, d.next_attempt_at from rowhook.deliveries d
       where d.endpoint_id = w.endpoint_id and d.ordering_key = w.ordering_key and d.state = 'pending'
       order by d.event_id limit 1) h
   where h.next_attempt_at <= c.now
     and not exists (
       select 1 from rowhook.deliveries b
        where b.endpoint_id = w.endpoint_id and b.ordering_key = w.ordering_key and b.state = 'pending'
          and b.leased and b.next_attempt_at > c.now)
),
keyed as (
  select d.id, d.endpoint_id from rowhook.deliveries d
   where d.id = any (array(
           select h.id from key_heads h join quota q on q.endpoint_id = h.endpoint_id where h.turn <= q.n))
     and d.state = 'pending'
   for update skip locked
),
rest as (
  select q.endpoint_id, q.n - (select count(*)::int from keyed k where k.endpoint_id = q.endpoint_id) as n,
         l.ordered
    from quota q join lanes l on l.endpoint_id = q.endpoint_id
),
picked as (
  select id from keyed
  union all
  select p.id
    from rest q cross join clock c cross join lateral (
      select d.id from rowhook.deliveries d
       where not q.ordered and q.n > 0
         and d.endpoint_id = q.endpoint_id and d.state = 'pending' and d.next_attempt_at <= c.now
         and d.ordering_key is null
       order by d.next_attempt_at
       limit greatest(q.n, 0)
       for update skip locked) p
  union all
  select p.id
    from rest q cross join clock c cross join lateral (
      select d.id from rowhook.deliveries d
       where q.ordered and q.n > 0 and d.ordering_key is null
         and d.id = any (array(
               select x.id from rowhook.deliveries x
                where x.endpoint_id = q.endpoint_id and x.state = 'pending' and x.next_attempt_at <= c.now
                order by x.next_attempt_at limit 100))
       limit greatest(q.n, 0)
       for update skip locked) p
)`;
