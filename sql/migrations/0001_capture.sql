-- Capture: tracked tables write their row changes into rowhook.outbox in the writer's own
-- transaction, and one coalesced nudge per commit window wakes the relay.

create schema if not exists rowhook;

-- UUIDv7 (time-ordered): PostgreSQL 18's built-in where present, else the same layout built by
-- hand (Aurora runs 15-17). Both are SQL one-liners the planner inlines into the capture INSERT.
do $$
begin
  if current_setting('server_version_num')::int >= 180000 then
    create function rowhook.uuidv7() returns uuid
    language sql volatile parallel safe as 'select pg_catalog.uuidv7()';
  else
    create function rowhook.uuidv7() returns uuid
    language sql volatile parallel safe as $f$
      select encode(
        set_bit(
          set_bit(
            overlay(uuid_send(gen_random_uuid())
                    placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                    from 1 for 6),
            52, 1),
          53, 1),
        'hex')::uuid
    $f$;
  end if;
end
$$;

-- One row of runtime knobs the capture reads at commit; operators change them with UPDATE.
create table rowhook.settings (
  singleton boolean primary key default true check (singleton),
  relay_function text not null default 'rowhook-relay',
  relay_region text,
  nudge_interval_ms integer not null default 25 check (nudge_interval_ms between 0 and 60000)
);
insert into rowhook.settings default values;

-- Epoch milliseconds of the last nudge. A sequence, not a row: setval/last_value are
-- non-transactional, so no session ever waits on another's row lock or trips a serialization
-- failure in a REPEATABLE READ writer.
create sequence rowhook.nudge_clock minvalue 0 start 0;

create table rowhook.tracked_tables (
  tbl regclass primary key,
  tenant_column name not null,
  event_prefix text not null,
  include_columns text[],
  exclude_columns text[],
  tracked_at timestamptz not null default now()
);

create table rowhook.outbox (
  id uuid primary key,
  tenant_id text not null,
  event_type text not null,
  -- Exact JSON text built in SQL; downstream code treats it as opaque bytes so bigint and
  -- numeric values never pass through a JavaScript number.
  body text not null,
  occurred_at timestamptz not null,
  txid xid8 not null default pg_current_xact_id(),
  source_table text,
  -- Set for events aimed at one endpoint only (the "send test event" button).
  target_endpoint_id text,
  published_at timestamptz,
  -- Why the relay could not publish it (e.g. over the size limit); kept, never dropped.
  publish_error text
);
create index outbox_unpublished on rowhook.outbox (id) where published_at is null;

-- Row-level security for every role but the owner. A tenant-scoped connection
-- (SET rowhook.tenant_id = '...') sees only that tenant's events and can only add events for it;
-- an unscoped writer (the application's own role) may add events for any tenant, as it may write
-- any tenant's rows, but reads none. The capture runs as the writer (SECURITY INVOKER): no
-- privilege escalation through it, and no per-row cost of switching search_path.
alter table rowhook.outbox enable row level security;
create policy outbox_tenant_read on rowhook.outbox for select
  using (tenant_id = current_setting('rowhook.tenant_id', true));
create policy outbox_capture_write on rowhook.outbox for insert
  with check (coalesce(current_setting('rowhook.tenant_id', true), '') in ('', tenant_id));
grant usage on schema rowhook to public;
grant insert on rowhook.outbox to public;

-- Hot path: runs for every tracked row change, so it avoids anything that costs per call
-- (SQL-function calls, a SET clause, catalog lookups); measured in bench/captureOverhead.ts.
create function rowhook.capture() returns trigger
language plpgsql as $$
declare
  v_tenant_column text := tg_argv[0];
  v_prefix text := tg_argv[1];
  v_include text[] := nullif(tg_argv[2], '')::text[];
  v_exclude text[] := coalesce(nullif(tg_argv[3], '')::text[], '{}');
  v_row jsonb;
  v_data jsonb;
  v_old_data jsonb;
  v_previous jsonb;
  v_tenant text;
  v_type text;
  v_body text;
  v_now timestamptz := statement_timestamp();
begin
  if tg_op = 'DELETE' then
    v_row := to_jsonb(old);
    v_type := v_prefix || '.deleted';
  else
    v_row := to_jsonb(new);
    v_type := v_prefix || case when tg_op = 'INSERT' then '.created' else '.updated' end;
  end if;
  v_data := v_row - v_exclude;
  if v_include is not null then
    select coalesce(jsonb_object_agg(e.key, e.value), '{}') into v_data
      from jsonb_each(v_data) e where e.key = any(v_include);
  end if;
  if tg_op = 'UPDATE' and (to_jsonb(old) ->> v_tenant_column) is distinct from (v_row ->> v_tenant_column) then
    -- The row moved to another tenant: the old tenant sees it deleted, the new one created,
    -- so neither learns the other's values through "previous".
    perform rowhook.capture_tenant_move(to_jsonb(old), v_row, tg_argv, tg_table_schema || '.' || tg_table_name);
    return null;
  end if;
  if tg_op = 'UPDATE' then
    v_old_data := to_jsonb(old) - v_exclude;
    if v_include is not null then
      select coalesce(jsonb_object_agg(e.key, e.value), '{}') into v_old_data
        from jsonb_each(v_old_data) e where e.key = any(v_include);
    end if;
    if v_old_data = v_data then
      return null; -- nothing the subscribers can see has changed
    end if;
    select jsonb_object_agg(o.key, o.value) into v_previous
      from jsonb_each(v_old_data) o
     where v_data -> o.key is distinct from o.value;
  end if;

  v_tenant := v_row ->> v_tenant_column;
  if v_tenant is null then
    -- No tenant owns the row, so nobody may receive it; track_table warned about nullable columns.
    return null;
  end if;

  -- Concatenated rather than json_build_object so the envelope keeps a stable key order and
  -- compact separators; the values inside are jsonb text, exact for bigint and numeric.
  v_body := '{"type":' || to_json(v_type)::text
    || ',"timestamp":"' || to_char(v_now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    || '","data":' || v_data::text
    || case when v_previous is null then '' else ',"previous":' || v_previous::text end
    || '}';

  -- The first capture of a transaction marks itself 'first' so that exactly one deferred nudge
  -- trigger is queued per transaction (see outbox_nudge's WHEN clause). A rolled-back savepoint
  -- reverts the mark along with its rows.
  if current_setting('rowhook.nudge_state', true) is distinct from 'queued' then
    perform set_config('rowhook.nudge_state', 'first', true);
    insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, source_table)
    values (rowhook.uuidv7(), v_tenant, v_type, v_body, v_now, tg_table_schema || '.' || tg_table_name);
    perform set_config('rowhook.nudge_state', 'queued', true);
  else
    insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, source_table)
    values (rowhook.uuidv7(), v_tenant, v_type, v_body, v_now, tg_table_schema || '.' || tg_table_name);
  end if;
  return null;
end
$$;

-- The rare path of capture(): an UPDATE that changes the tenant column. Kept out of capture() so
-- the common path stays short.
create function rowhook.capture_tenant_move(old_row jsonb, new_row jsonb, args text[], source text)
returns void language plpgsql as $$
declare
  v_tenant_column text := args[0];
  v_prefix text := args[1];
  v_include text[] := nullif(args[2], '')::text[];
  v_exclude text[] := coalesce(nullif(args[3], '')::text[], '{}');
  v_now timestamptz := statement_timestamp();
  v_side record;
  v_data jsonb;
begin
  for v_side in
    select old_row ->> v_tenant_column as tenant, old_row as r, '.deleted' as suffix
    union all
    select new_row ->> v_tenant_column, new_row, '.created'
  loop
    continue when v_side.tenant is null;
    v_data := v_side.r - v_exclude;
    if v_include is not null then
      select coalesce(jsonb_object_agg(e.key, e.value), '{}') into v_data
        from jsonb_each(v_data) e where e.key = any(v_include);
    end if;
    if current_setting('rowhook.nudge_state', true) is distinct from 'queued' then
      perform set_config('rowhook.nudge_state', 'first', true); -- see capture()
    end if;
    insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, source_table)
    values (rowhook.uuidv7(), v_side.tenant, v_prefix || v_side.suffix,
            '{"type":' || to_json(v_prefix || v_side.suffix)::text
              || ',"timestamp":"' || to_char(v_now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
              || '","data":' || v_data::text || '}',
            v_now, source);
    perform set_config('rowhook.nudge_state', 'queued', true);
  end loop;
end
$$;

-- Runs at commit, once per transaction, as the writer: the common case (a nudge was sent less
-- than nudge_interval_ms ago) is one small query, with no SECURITY DEFINER switch.
-- At most one nudge per interval across all sessions: a session that cannot take the try-lock,
-- or finds a recent nudge, skips without waiting. The relay drains until empty and lingers one
-- interval, so skipped nudges only delay.
create function rowhook.nudge_relay() returns trigger
language plpgsql as $$
begin
  if (select (extract(epoch from clock_timestamp()) * 1000)::bigint - c.last_value >= s.nudge_interval_ms
        from rowhook.nudge_clock c, rowhook.settings s where s.singleton) then
    perform rowhook.send_nudge();
  end if;
  return null;
end
$$;

-- The rare path, as the owner: only it may move the clock and call aws_lambda.invoke.
create function rowhook.send_nudge() returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_settings rowhook.settings;
  v_now_ms bigint := (extract(epoch from clock_timestamp()) * 1000)::bigint;
begin
  if not pg_try_advisory_xact_lock(7262011, 1) then
    return;
  end if;
  select * into v_settings from rowhook.settings where singleton;
  if v_now_ms - (select last_value from rowhook.nudge_clock) < v_settings.nudge_interval_ms then
    return;
  end if;
  perform setval('rowhook.nudge_clock', v_now_ms);
  begin
    perform aws_lambda.invoke(
      v_settings.relay_function,
      json_build_object('hint', 'outbox', 'at', v_now_ms),
      v_settings.relay_region,
      'Event');
  exception when others then
    -- The write must commit even when the relay cannot be woken; the sweeper will find the rows.
    raise warning 'rowhook: could not nudge relay % (%): %; the sweeper will deliver these events',
      v_settings.relay_function, sqlstate, sqlerrm;
  end;
end
$$;
-- Writers call it through nudge_relay; it can only move the clock and wake the relay.
grant execute on function rowhook.send_nudge() to public;
grant select on rowhook.settings, rowhook.nudge_clock to public;

create constraint trigger outbox_nudge
  after insert on rowhook.outbox
  deferrable initially deferred
  for each row
  when (current_setting('rowhook.nudge_state', true) = 'first')
  execute function rowhook.nudge_relay();

create function rowhook.track_table(
  tbl regclass,
  tenant_column name,
  event_prefix text default null,
  include_columns text[] default null,
  exclude_columns text[] default null
) returns void
language plpgsql as $$
declare
  v_prefix text := coalesce(event_prefix, (select c.relname from pg_class c where c.oid = tbl));
  v_column text;
  v_tenant_nullable boolean;
begin
  select not a.attnotnull into v_tenant_nullable
    from pg_attribute a
   where a.attrelid = tbl and a.attname = tenant_column and a.attnum > 0 and not a.attisdropped;
  if not found then
    raise exception 'rowhook.track_table: table % has no column "%" to use as the tenant column', tbl, tenant_column
      using errcode = 'undefined_column';
  end if;
  if v_prefix !~ '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' then
    raise exception 'rowhook.track_table: event_prefix "%" may contain only letters, digits, "_", "." and "-"', v_prefix
      using errcode = 'invalid_parameter_value';
  end if;
  foreach v_column in array coalesce(include_columns, '{}') || coalesce(exclude_columns, '{}') loop
    perform 1 from pg_attribute a
     where a.attrelid = tbl and a.attname = v_column and a.attnum > 0 and not a.attisdropped;
    if not found then
      raise exception 'rowhook.track_table: table % has no column "%" (named in include_columns or exclude_columns)', tbl, v_column
        using errcode = 'undefined_column';
    end if;
  end loop;
  if v_tenant_nullable then
    raise notice 'rowhook.track_table: %.% allows NULL; rows with a NULL tenant produce no events', tbl, tenant_column;
  end if;

  if exists (select 1 from pg_trigger where tgrelid = tbl and tgname = 'rowhook_capture') then
    execute format('drop trigger rowhook_capture on %s', tbl);
  end if;
  execute format(
    'create trigger rowhook_capture after insert or update or delete on %s for each row '
    'execute function rowhook.capture(%L, %L, %L, %L)',
    tbl, tenant_column, v_prefix, coalesce(include_columns::text, ''), coalesce(exclude_columns::text, ''));

  insert into rowhook.tracked_tables (tbl, tenant_column, event_prefix, include_columns, exclude_columns)
  values (tbl, tenant_column, v_prefix, include_columns, exclude_columns)
  on conflict on constraint tracked_tables_pkey do update
    set tenant_column = excluded.tenant_column, event_prefix = excluded.event_prefix,
        include_columns = excluded.include_columns, exclude_columns = excluded.exclude_columns,
        tracked_at = now();
end
$$;

create function rowhook.untrack_table(tbl regclass) returns void
language plpgsql as $$
begin
  if exists (select 1 from pg_trigger where tgrelid = tbl and tgname = 'rowhook_capture') then
    execute format('drop trigger rowhook_capture on %s', tbl);
  end if;
  delete from rowhook.tracked_tables t where t.tbl = untrack_table.tbl;
end
$$;
