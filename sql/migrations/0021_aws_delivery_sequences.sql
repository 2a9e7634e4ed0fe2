-- Sequence numbers on AWS (issue 13 §2). The local runtime numbers rows of rowhook.deliveries in the
-- relay's transaction (0014). On AWS there is no deliveries table and the relay publishes to
-- EventBridge before its outbox transaction commits, so a number handed out in that transaction
-- could be sent and then rolled back and given to another event. Here the relay numbers (event,
-- endpoint) pairs in a transaction of their own that commits BEFORE PutEvents, and a pair keeps its
-- number for good: a retry after a crash anywhere later reads the same number back.

create table rowhook.delivery_sequences (
  event_id uuid not null,
  endpoint_id text not null,
  tenant_id text not null,
  sequence bigint not null,
  primary key (event_id, endpoint_id)
);

-- The feed's read path, and the proof that no endpoint's number is used twice.
create unique index delivery_sequences_endpoint_sequence on rowhook.delivery_sequences (endpoint_id, sequence);

-- The API's feed reads as the tenant role (runAsTenant): row-level security keeps it to its tenant.
alter table rowhook.delivery_sequences enable row level security;
create policy delivery_sequences_tenant_read on rowhook.delivery_sequences for select
  using (tenant_id = current_setting('rowhook.tenant_id', true));

-- Numbers the pairs not numbered yet and returns every pair's number. `pairs` is a JSON array of
-- {"event_id","endpoint_id","tenant_id"} in the relay's order (event id order, as claimed): new
-- pairs are numbered per endpoint in that order, after the endpoint's last number. Counters are
-- rowhook.endpoint_sequences (0014; on AWS nothing else uses them). Each counter row is locked
-- (in endpoint order, so two relays cannot deadlock) until this transaction commits: a second
-- numbering for the endpoint waits, and its next statement, with a fresh snapshot, sees the pairs
-- the first one added, so a pair is never numbered twice and numbers commit in ascending order.
-- Call it outside any transaction (its own commit is what makes the numbers final).
create function rowhook.assign_delivery_sequences(pairs json)
returns table (event_id uuid, endpoint_id text, sequence bigint)
language plpgsql volatile as $$
#variable_conflict use_column
begin
  insert into rowhook.endpoint_sequences as s (endpoint_id, last_sequence)
  select distinct p.endpoint_id, 0 from json_to_recordset(pairs) as p(endpoint_id text)
   order by 1
  on conflict (endpoint_id) do nothing;

  perform 1 from rowhook.endpoint_sequences s
   where s.endpoint_id in (select p.endpoint_id from json_to_recordset(pairs) as p(endpoint_id text))
   order by s.endpoint_id
     for update;

  with wanted as (
    select (e.value ->> 'event_id')::uuid as event_id, e.value ->> 'endpoint_id' as endpoint_id,
           e.value ->> 'tenant_id' as tenant_id, e.ord
      from json_array_elements(pairs) with ordinality as e(value, ord)
  ),
  fresh as (
    select distinct on (w.event_id, w.endpoint_id) w.*
      from wanted w
     where not exists (select 1 from rowhook.delivery_sequences d
                        where d.event_id = w.event_id and d.endpoint_id = w.endpoint_id)
     order by w.event_id, w.endpoint_id, w.ord
  ),
  added as (
    insert into rowhook.delivery_sequences (event_id, endpoint_id, tenant_id, sequence)
    select f.event_id, f.endpoint_id, f.tenant_id,
           s.last_sequence + row_number() over (partition by f.endpoint_id order by f.ord)
      from fresh f join rowhook.endpoint_sequences s on s.endpoint_id = f.endpoint_id
    returning delivery_sequences.endpoint_id
  )
  update rowhook.endpoint_sequences s
     set last_sequence = s.last_sequence + c.n
    from (select a.endpoint_id, count(*) as n from added a group by a.endpoint_id) c
   where s.endpoint_id = c.endpoint_id;

  return query
  select d.event_id, d.endpoint_id, d.sequence
    from rowhook.delivery_sequences d
   where (d.event_id, d.endpoint_id) in
         (select p.event_id, p.endpoint_id from json_to_recordset(pairs) as p(event_id uuid, endpoint_id text));
end $$;

-- No foreign key to the outbox (numbering would wait for a key-share lock on outbox rows the relay's
-- claim holds FOR UPDATE while it waits for the numbering: a deadlock). Instead, whatever deletes
-- outbox rows (the retention purge) takes their numbers with them, in the same statement.
create function rowhook.forget_delivery_sequences() returns trigger
language plpgsql as $$
begin
  delete from rowhook.delivery_sequences s using gone g where s.event_id = g.id;
  return null;
end
$$;
create trigger outbox_forget_delivery_sequences after delete on rowhook.outbox
  referencing old table as gone for each statement execute function rowhook.forget_delivery_sequences();
