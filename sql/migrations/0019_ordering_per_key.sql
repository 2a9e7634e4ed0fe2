-- Ordering per key: an endpoint with ordering 'per-key' receives the deliveries that share a key in
-- commit order, one at a time per key: the next is not attempted until the one before it is
-- delivered, dead-lettered or discarded. Different keys never wait for each other.

alter table rowhook.endpoints
  add column ordering text not null default 'none' check (ordering in ('none', 'per-key'));

-- The key of a delivery to a per-key endpoint, set at enqueue; null for every other delivery (and
-- for events that have no key), which are scheduled as before. A delivery's place in its key's
-- order is its event id: a UUIDv7 made when the row was captured, and two writes to one row are
-- serialized by the row lock, so the later commit captures (and sorts) later.
alter table rowhook.deliveries add column ordering_key text;

-- One probe per candidate in the claim: is there an earlier pending delivery of the same key, or
-- one in flight? Small: only pending deliveries of per-key endpoints.
create index deliveries_ordering on rowhook.deliveries (endpoint_id, ordering_key, event_id)
  where state = 'pending' and ordering_key is not null;

-- The primary-key columns of a tracked table, in key order; null when it has none (or is gone).
create function rowhook.primary_key_columns(tbl text) returns text[]
language sql stable as $$
  select array_agg(a.attname::text order by k.ord)
    from pg_index i
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
   where i.indrelid = to_regclass(tbl) and i.indisprimary
$$;

-- The ordering key of an outbox row:
--   a captured row change: '<schema>.<table>:' followed by the JSON array of its primary-key values
--     as captured in `data` (so an update and a later delete of one row share a key); a table
--     without a primary key, or whose key columns are excluded from the event, is one key (the
--     table's events in commit order, one at a time);
--   an event published with rowhook.publish (SQL or POST /v1/events): its `ordering_key` (the outbox
--     column of migration 0013), null (unordered) when it has none;
--   anything else (test events, operational events): null.
create function rowhook.ordering_key(o rowhook.outbox) returns text
language plpgsql stable as $$
declare
  v_columns text[];
  v_data jsonb;
  v_values jsonb;
begin
  if o.source_table is null then
    if o.target_endpoint_id is not null then
      return null;
    end if;
    return o.ordering_key;
  end if;
  v_columns := rowhook.primary_key_columns(o.source_table);
  v_data := o.body::jsonb -> 'data';
  if v_columns is null or not (v_data ?& v_columns) then
    return o.source_table;
  end if;
  select jsonb_agg(v_data -> c order by n) into v_values from unnest(v_columns) with ordinality as u(c, n);
  return o.source_table || ':' || v_values::text;
end
$$;

-- An endpoint switched to per-key: what it already has queued or dead-lettered without a key gets
-- a key of its own (its event id), so the claim, which takes a per-key endpoint's deliveries by
-- key, still finds it. Switching back leaves the keys: those deliveries keep their order.
create function rowhook.key_unkeyed_deliveries() returns trigger
language plpgsql as $$
begin
  update rowhook.deliveries set ordering_key = 'event:' || event_id
   where endpoint_id = new.id and state in ('pending', 'dead') and ordering_key is null;
  return null;
end
$$;

create trigger endpoints_ordering_per_key
  after update of ordering on rowhook.endpoints
  for each row when (new.ordering = 'per-key' and old.ordering is distinct from 'per-key')
  execute function rowhook.key_unkeyed_deliveries();
