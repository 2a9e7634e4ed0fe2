-- Capture of INSERT and DELETE statements, set-based: a statement-level trigger with a transition
-- table writes a 100-row statement's outbox rows in one INSERT ... SELECT instead of 100 trigger
-- calls and 100 single-row inserts. UPDATE stays row-level (its "previous" pairs old and new rows,
-- which transition tables do not). Bodies are byte-for-byte what capture() builds.

-- The statement-level trigger functions, one per transition table name (a plpgsql function can only
-- name the transition table its trigger declares). Arguments as capture()'s. One INSERT per
-- statement: in the statement carrying a transaction's first event, that event's id is chosen first
-- and published in rowhook.nudge_first, so outbox_nudge queues exactly one deferred nudge for the
-- transaction (for that row only) however many rows the statement has. No tenant owns a row with a
-- NULL tenant, so nobody receives it (track_table warned). Floats exact whatever the writer's
-- extra_float_digits (see 0010).
create function rowhook.capture_inserted() returns trigger
language plpgsql as $$
declare
  v_tenant_column text := tg_argv[0];
  v_type text := tg_argv[1] || '.created';
  v_include text[] := nullif(tg_argv[2], '')::text[];
  v_exclude text[] := coalesce(nullif(tg_argv[3], '')::text[], '{}');
  v_now timestamptz := statement_timestamp();
  v_source text := tg_table_schema || '.' || tg_table_name;
  v_float_digits text := current_setting('extra_float_digits');
  v_head text;
  v_state text := current_setting('rowhook.nudge_state', true);
  v_first uuid;
begin
  if v_float_digits::int < 1 then
    perform set_config('extra_float_digits', '1', true);
  end if;
  v_head := '{"type":' || to_json(v_type)::text
    || ',"timestamp":"' || to_char(v_now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    || '","data":';
  if v_state is distinct from 'queued' then
    v_first := rowhook.uuidv7();
    perform set_config('rowhook.nudge_first', v_first::text, true);
    perform set_config('rowhook.nudge_state', 'queued', true);
    insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, source_table)
    select case when e.n = 1 then v_first else rowhook.uuidv7() end,
           e.tenant, v_type, v_head || e.data::text || '}', v_now, v_source
      from (select f.*, row_number() over () as n
              from (select x.r ->> v_tenant_column as tenant,
                 case when v_include is null and v_exclude = '{}' then x.r
                      when v_include is null then x.r - v_exclude
                      else (select coalesce(jsonb_object_agg(c.key, c.value), '{}')
                              from jsonb_each(x.r - v_exclude) c where c.key = any(v_include)) end as data
            from (select to_jsonb(t) as r from rowhook_new t) x) f
             where f.tenant is not null) e;
    if not found then
      -- Nothing captured (every row without a tenant): the transaction's first event is yet to come.
      perform set_config('rowhook.nudge_state', coalesce(v_state, ''), true);
    end if;
  else
    insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, source_table)
    select rowhook.uuidv7(), e.tenant, v_type, v_head || e.data::text || '}', v_now, v_source
      from (select x.r ->> v_tenant_column as tenant,
                 case when v_include is null and v_exclude = '{}' then x.r
                      when v_include is null then x.r - v_exclude
                      else (select coalesce(jsonb_object_agg(c.key, c.value), '{}')
                              from jsonb_each(x.r - v_exclude) c where c.key = any(v_include)) end as data
            from (select to_jsonb(t) as r from rowhook_new t) x) e
     where e.tenant is not null;
  end if;
  if v_float_digits::int < 1 then
    perform set_config('extra_float_digits', v_float_digits, true);
  end if;
  return null;
end
$$;

create function rowhook.capture_deleted() returns trigger
language plpgsql as $$
declare
  v_tenant_column text := tg_argv[0];
  v_type text := tg_argv[1] || '.deleted';
  v_include text[] := nullif(tg_argv[2], '')::text[];
  v_exclude text[] := coalesce(nullif(tg_argv[3], '')::text[], '{}');
  v_now timestamptz := statement_timestamp();
  v_source text := tg_table_schema || '.' || tg_table_name;
  v_float_digits text := current_setting('extra_float_digits');
  v_head text;
  v_state text := current_setting('rowhook.nudge_state', true);
  v_first uuid;
begin
  if v_float_digits::int < 1 then
    perform set_config('extra_float_digits', '1', true);
  end if;
  v_head := '{"type":' || to_json(v_type)::text
    || ',"timestamp":"' || to_char(v_now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    || '","data":';
  if v_state is distinct from 'queued' then
    v_first := rowhook.uuidv7();
    perform set_config('rowhook.nudge_first', v_first::text, true);
    perform set_config('rowhook.nudge_state', 'queued', true);
    insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, source_table)
    select case when e.n = 1 then v_first else rowhook.uuidv7() end,
           e.tenant, v_type, v_head || e.data::text || '}', v_now, v_source
      from (select f.*, row_number() over () as n
              from (select x.r ->> v_tenant_column as tenant,
                 case when v_include is null and v_exclude = '{}' then x.r
                      when v_include is null then x.r - v_exclude
                      else (select coalesce(jsonb_object_agg(c.key, c.value), '{}')
                              from jsonb_each(x.r - v_exclude) c where c.key = any(v_include)) end as data
            from (select to_jsonb(t) as r from rowhook_old t) x) f
             where f.tenant is not null) e;
    if not found then
      -- Nothing captured (every row without a tenant): the transaction's first event is yet to come.
      perform set_config('rowhook.nudge_state', coalesce(v_state, ''), true);
    end if;
  else
    insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, source_table)
    select rowhook.uuidv7(), e.tenant, v_type, v_head || e.data::text || '}', v_now, v_source
      from (select x.r ->> v_tenant_column as tenant,
                 case when v_include is null and v_exclude = '{}' then x.r
                      when v_include is null then x.r - v_exclude
                      else (select coalesce(jsonb_object_agg(c.key, c.value), '{}')
                              from jsonb_each(x.r - v_exclude) c where c.key = any(v_include)) end as data
            from (select to_jsonb(t) as r from rowhook_old t) x) e
     where e.tenant is not null;
  end if;
  if v_float_digits::int < 1 then
    perform set_config('extra_float_digits', v_float_digits, true);
  end if;
  return null;
end
$$;

-- The deferred nudge, queued by the row capture()'s 'first' mark (UPDATE) or by the row whose id the
-- statement capture published (INSERT, DELETE).
drop trigger outbox_nudge on rowhook.outbox;
create constraint trigger outbox_nudge
  after insert on rowhook.outbox
  deferrable initially deferred
  for each row
  when (current_setting('rowhook.nudge_state', true) = 'first'
        or new.id::text = current_setting('rowhook.nudge_first', true))
  execute function rowhook.nudge_relay();

-- Creates the capture triggers on a table: statement-level for INSERT and DELETE, row-level for
-- UPDATE. Row-level for everything on a partitioned table, a partition, or a table in an
-- inheritance tree: a statement trigger fires only for the table a statement names, so a write
-- routed to (or made directly on) another member of the tree would be missed, while row triggers
-- fire where the row lands. Drops what an earlier version made first.
create function rowhook.create_capture_triggers(tbl regclass, args text[]) returns void
language plpgsql as $$
declare
  v_args text := format('%L, %L, %L, %L', args[1], args[2], args[3], args[4]);
  v_row_level boolean;
begin
  perform rowhook.drop_capture_triggers(tbl);
  select c.relkind = 'p' or c.relispartition
         or exists (select 1 from pg_inherits i where i.inhrelid = tbl or i.inhparent = tbl)
    into v_row_level
    from pg_class c where c.oid = tbl;
  if v_row_level then
    execute format(
      'create trigger rowhook_capture after insert or update or delete on %s for each row '
      'execute function rowhook.capture(%s)', tbl, v_args);
    return;
  end if;
  execute format(
    'create trigger rowhook_capture_insert after insert on %s referencing new table as rowhook_new '
    'for each statement execute function rowhook.capture_inserted(%s)', tbl, v_args);
  execute format(
    'create trigger rowhook_capture_delete after delete on %s referencing old table as rowhook_old '
    'for each statement execute function rowhook.capture_deleted(%s)', tbl, v_args);
  execute format(
    'create trigger rowhook_capture after update on %s for each row execute function rowhook.capture(%s)',
    tbl, v_args);
end
$$;

create function rowhook.drop_capture_triggers(tbl regclass) returns void
language plpgsql as $$
declare
  v_name text;
begin
  foreach v_name in array array['rowhook_capture', 'rowhook_capture_insert', 'rowhook_capture_delete'] loop
    if exists (select 1 from pg_trigger where tgrelid = tbl and tgname = v_name) then
      execute format('drop trigger %I on %s', v_name, tbl);
    end if;
  end loop;
end
$$;

-- As in 0001, with the triggers made by create_capture_triggers.
create or replace function rowhook.track_table(
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

  perform rowhook.create_capture_triggers(tbl, array[
    tenant_column::text, v_prefix, coalesce(include_columns::text, ''), coalesce(exclude_columns::text, '')]);

  insert into rowhook.tracked_tables (tbl, tenant_column, event_prefix, include_columns, exclude_columns)
  values (tbl, tenant_column, v_prefix, include_columns, exclude_columns)
  on conflict on constraint tracked_tables_pkey do update
    set tenant_column = excluded.tenant_column, event_prefix = excluded.event_prefix,
        include_columns = excluded.include_columns, exclude_columns = excluded.exclude_columns,
        tracked_at = now();
end
$$;

create or replace function rowhook.untrack_table(tbl regclass) returns void
language plpgsql as $$
begin
  perform rowhook.drop_capture_triggers(tbl);
  delete from rowhook.tracked_tables t where t.tbl = untrack_table.tbl;
end
$$;

-- Tables tracked before this migration get the new triggers.
select rowhook.create_capture_triggers(t.tbl, array[
         t.tenant_column::text, t.event_prefix,
         coalesce(t.include_columns::text, ''), coalesce(t.exclude_columns::text, '')])
  from rowhook.tracked_tables t;

-- The commit-time nudge check, cheaper: rowhook.nudge_clock now holds when the next nudge is due
-- (epoch ms: the last nudge plus the interval), so the check is one function call with no query
-- (no settings row to read); the settings are read only on the rare path that nudges.
create or replace function rowhook.nudge_relay() returns trigger
language plpgsql as $$
begin
  if (extract(epoch from clock_timestamp()) * 1000)::bigint
       >= coalesce(pg_sequence_last_value('rowhook.nudge_clock'), 0) then
    perform rowhook.send_nudge();
  end if;
  return null;
end
$$;

create or replace function rowhook.send_nudge() returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_settings rowhook.settings;
  v_now_ms bigint := (extract(epoch from clock_timestamp()) * 1000)::bigint;
begin
  if not pg_try_advisory_xact_lock(7262011, 1) then
    return;
  end if;
  if v_now_ms < coalesce(pg_sequence_last_value('rowhook.nudge_clock'), 0) then
    return;
  end if;
  select * into v_settings from rowhook.settings where singleton;
  perform setval('rowhook.nudge_clock', v_now_ms + v_settings.nudge_interval_ms);
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

-- From "last nudge" to "next nudge due": a nudge is due at once after this migration.
select setval('rowhook.nudge_clock', 0);

-- A changed setting (the interval, the relay function) applies at once, not after the window the
-- clock already holds.
create function rowhook.reset_nudge_clock() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform setval('rowhook.nudge_clock', 0);
  return null;
end
$$;
create trigger settings_reset_nudge_clock after update on rowhook.settings
  for each statement execute function rowhook.reset_nudge_clock();
