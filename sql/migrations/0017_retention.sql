-- Retention (ROWHOOK_RETENTION) and tenant data erasure (DELETE /v1/tenants/{id}/data).
--
-- Purge removes, in small batches each of which is one short transaction:
--   - deliveries that are finished and resolved (delivered, or discarded) and untouched for the
--     retention period, with their attempts;
--   - outbox rows published longer ago than that, once no delivery refers to them any more.
-- It never removes what is still needed: unpublished outbox rows, pending deliveries (due, leased
-- or waiting for a retry), dead letters (state 'dead': an operator may still inspect or redrive
-- them; discarding one makes it purgeable), the events those refer to, and events the relay could
-- not publish (publish_error: the failed-events list is the operator's record of them).
--
-- Batches walk the primary key (both ids are UUIDv7, so they sort by creation time) from a cursor
-- the caller carries, up to the first id created at the cutoff: a batch reads at most `p_limit`
-- rows whatever is kept, and rows kept never make later batches rescan them. Rows are taken FOR
-- UPDATE SKIP LOCKED: a purge never waits for the relay or a worker, nor they for it.

-- The smallest UUIDv7 of the millisecond `p_at`: every id made before it sorts below.
create function rowhook.uuidv7_floor(p_at timestamptz) returns uuid
language sql immutable parallel safe as $$
  select (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-0000-0000-000000000000')::uuid
    from (select lpad(to_hex(floor(extract(epoch from p_at) * 1000)::bigint), 12, '0') as h) x
$$;

create function rowhook.purge_deliveries(p_before timestamptz, p_after uuid, p_limit integer)
returns table (last_id uuid, scanned integer, deliveries integer, attempts integer)
language plpgsql as $$
declare
  v_ids uuid[];
  v_doomed uuid[];
begin
  select array_agg(d.id order by d.id) into v_ids
    from (select d.id from rowhook.deliveries d
           where d.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000'::uuid)
             and d.id < rowhook.uuidv7_floor(p_before)
           order by d.id limit p_limit) d;
  if v_ids is null then
    return query select p_after, 0, 0, 0;
    return;
  end if;
  select array_agg(d.id) into v_doomed
    from (select d.id from rowhook.deliveries d
           where d.id = any(v_ids) and d.state in ('delivered', 'discarded') and d.updated_at < p_before
             for update skip locked) d;
  delete from rowhook.attempts a where a.delivery_id = any(coalesce(v_doomed, '{}'));
  get diagnostics attempts = row_count;
  delete from rowhook.deliveries d where d.id = any(coalesce(v_doomed, '{}'));
  get diagnostics deliveries = row_count;
  return query select v_ids[cardinality(v_ids)], cardinality(v_ids), deliveries, attempts;
end
$$;

create function rowhook.purge_outbox(p_before timestamptz, p_after uuid, p_limit integer)
returns table (last_id uuid, scanned integer, events integer)
language plpgsql as $$
declare
  v_ids uuid[];
begin
  select array_agg(o.id order by o.id) into v_ids
    from (select o.id from rowhook.outbox o
           where o.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000'::uuid)
             and o.id < rowhook.uuidv7_floor(p_before)
           order by o.id limit p_limit) o;
  if v_ids is null then
    return query select p_after, 0, 0;
    return;
  end if;
  delete from rowhook.outbox o
   where o.id in (select k.id from rowhook.outbox k
                   where k.id = any(v_ids) and k.published_at < p_before and k.publish_error is null
                     and not exists (select 1 from rowhook.deliveries d where d.event_id = k.id)
                     for update skip locked);
  get diagnostics events = row_count;
  return query select v_ids[cardinality(v_ids)], cardinality(v_ids), events;
end
$$;

-- Erases one tenant's event payloads and the response bodies its receivers sent back, leaving ids,
-- types, times, states and counts for audit. An event whose payload is gone can no longer be sent:
-- its pending deliveries and dead letters are discarded, and unpublished events are closed as not
-- sent. One transaction: the erasure is all or nothing. (On AWS the same function runs on Aurora's
-- outbox; the DynamoDB items are erased by the AWS adapter.)
create function rowhook.erase_tenant_data(p_tenant text)
returns table (events bigint, attempts bigint, deliveries_discarded bigint)
language plpgsql as $$
begin
  update rowhook.outbox o
     set body = '{"type":' || to_json(o.event_type)::text || ',"erased":true}',
         publish_error = case when o.published_at is null then 'not sent: the tenant''s data was erased'
                              else o.publish_error end,
         published_at = coalesce(o.published_at, now())
   where o.tenant_id = p_tenant;
  get diagnostics events = row_count;
  update rowhook.attempts a set response_snippet = null
   where a.tenant_id = p_tenant and a.response_snippet is not null;
  select count(*) into attempts from rowhook.attempts a where a.tenant_id = p_tenant;
  update rowhook.deliveries d
     set state = 'discarded', leased = false, updated_at = now(), finished_at = coalesce(d.finished_at, now()),
         last_error = case when d.state = 'pending' then 'discarded: the tenant''s data was erased'
                           else d.last_error end
   where d.tenant_id = p_tenant and d.state in ('pending', 'dead');
  get diagnostics deliveries_discarded = row_count;
  return next;
end
$$;
