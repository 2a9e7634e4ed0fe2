-- Commit order and transactions.
--
-- 1. Every delivery gets a per-endpoint sequence number (1, 2, 3, ... with no holes), assigned by
--    the relay in the transaction that creates the deliveries. The endpoint's counter row is
--    locked there until that transaction commits, so the next relay to enqueue for the endpoint
--    waits and numbers after it: sequence N+1 can only commit after N did, and a rolled-back
--    relay transaction gives its numbers back with its deliveries.
-- 2. The relay adds the writer's transaction to each event body when it publishes the event
--    ({"transaction":{"id":...,"position":n,"count":m}}), counted from the outbox rows of that
--    transaction (all visible at once, since they committed together). Capture is unchanged.

-- The last sequence number given out per endpoint. Its own table, not a column of endpoints or
-- delivery_lanes: the relay holds this row locked until its transaction commits, and neither an
-- endpoint update nor a claim (which locks lanes) should wait for that.
create table rowhook.endpoint_sequences (
  endpoint_id text primary key,
  last_sequence bigint not null
);

alter table rowhook.deliveries add column sequence bigint;

-- Deliveries made before this migration are numbered in event order, so the feed covers them too.
update rowhook.deliveries d
   set sequence = n.sequence
  from (select id, row_number() over (partition by endpoint_id order by event_id) as sequence
          from rowhook.deliveries) n
 where d.id = n.id;
insert into rowhook.endpoint_sequences (endpoint_id, last_sequence)
select endpoint_id, max(sequence) from rowhook.deliveries group by endpoint_id;

-- The feed's read path (after=<sequence>, in order) and the proof that no number is used twice.
create unique index deliveries_endpoint_sequence on rowhook.deliveries (endpoint_id, sequence);

-- The relay counts and orders a transaction's events by this when it publishes them. One more
-- index entry per captured row (an 8-byte key appended at the right edge of the index).
create index outbox_txid on rowhook.outbox (txid);
