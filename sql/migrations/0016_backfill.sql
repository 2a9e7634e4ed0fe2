-- Backfill: `<prefix>.snapshot` events for rows that already exist in a tracked table, in bounded
-- batches walked in primary-key (keyset) order. Each batch is one short transaction that only reads
-- the table (ACCESS SHARE, no row locks: writers are never blocked), writes the batch's outbox rows
-- and advances the run's cursor together, so a batch re-run after a crash or Ctrl+C resumes from
-- the last committed key and never emits a row twice for the same run.
--
-- Two ways in: `call rowhook.backfill('orders')` (a procedure that COMMITs after every batch, for
-- psql users), and `rowhook.backfill_start()` + `rowhook.backfill_batch()` one call per batch, which
-- the CLI drives so it can draw progress and stop cleanly between batches on Ctrl+C.

create table rowhook.backfill_runs (
  id bigint generated always as identity primary key,
  tbl regclass not null,
  -- SQL boolean expression over the table's columns; null: every row.
  where_clause text,
  key_columns name[] not null,
  -- The primary key of the last row emitted, as a JSON object; null before the first batch.
  last_key jsonb,
  total bigint not null,
  scanned bigint not null default 0,
  emitted bigint not null default 0,
  status text not null default 'running' check (status in ('running', 'done')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
create index backfill_runs_unfinished on rowhook.backfill_runs (tbl, id) where status = 'running';

-- No grants: like track_table, a backfill is run by the role that owns the rowhook schema (it reads
-- rowhook.tracked_tables). The functions are SECURITY INVOKER, so it reads only tables it may read.

-- Starts a run: checks the table is tracked and has a primary key, and that the condition is valid
-- SQL for it (a clear error now rather than at the first batch), and counts the rows to visit.
create function rowhook.backfill_start(tbl regclass, "where" text default null) returns bigint
language plpgsql as $$
declare
  v_keys name[];
  v_total bigint;
  v_id bigint;
  v_state text;
  v_message text;
begin
  if not exists (select 1 from rowhook.tracked_tables t where t.tbl = backfill_start.tbl) then
    raise exception 'rowhook.backfill: table % is not tracked; run rowhook.track_table(%L, <tenant column>) first', tbl, tbl::text
      using errcode = 'invalid_parameter_value';
  end if;
  select array_agg(a.attname order by k.ord) into v_keys
    from pg_index i
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
   where i.indrelid = tbl and i.indisprimary;
  if v_keys is null then
    raise exception 'rowhook.backfill: table % has no primary key; backfill walks rows in primary-key order', tbl
      using errcode = 'invalid_parameter_value';
  end if;
  if "where" is not null and btrim("where") = '' then
    raise exception 'rowhook.backfill: the where condition is empty; pass null for every row'
      using errcode = 'invalid_parameter_value';
  end if;
  begin
    execute format('select count(*) from %s t where %s', tbl, coalesce('(' || "where" || ')', 'true'))
      into v_total;
  exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
    raise exception 'rowhook.backfill: the where condition "%" does not work on table %: %', "where", tbl, v_message
      using errcode = v_state;
  end;
  insert into rowhook.backfill_runs (tbl, where_clause, key_columns, total)
  values (tbl, "where", v_keys, v_total)
  returning id into v_id;
  return v_id;
end
$$;

-- One batch of a run: up to batch_size rows after the run's cursor, in primary-key order. The run's
-- row is locked for the batch, so two drivers of the same run take turns instead of emitting the
-- same rows. Bodies are built like the capture's created events (0010, 0011): the same column
-- selection from the table's current track_table registration, floats exact, type
-- `<prefix>.snapshot`. Rows without a tenant are skipped (nobody may receive them) but passed.
create function rowhook.backfill_batch(run_id bigint, batch_size integer default 500)
returns table (emitted integer, scanned integer, done boolean)
language plpgsql as $$
declare
  v_run rowhook.backfill_runs;
  v_tracked rowhook.tracked_tables;
  v_include text[];
  v_exclude text[];
  v_type text;
  v_now timestamptz := statement_timestamp();
  v_float_digits text := current_setting('extra_float_digits');
  v_rows jsonb;
  v_scanned integer;
  v_emitted integer;
  v_last jsonb;
  v_head text;
  v_first uuid;
  v_order text;
  v_after text;
begin
  if batch_size is null or batch_size < 1 or batch_size > 10000 then
    raise exception 'rowhook.backfill: batch_size must be between 1 and 10000, got %', batch_size
      using errcode = 'invalid_parameter_value';
  end if;
  select * into v_run from rowhook.backfill_runs r where r.id = run_id for update;
  if not found then
    raise exception 'rowhook.backfill: no backfill run %', run_id using errcode = 'no_data_found';
  end if;
  if v_run.status = 'done' then
    return query select 0, 0, true;
    return;
  end if;
  select * into v_tracked from rowhook.tracked_tables t where t.tbl = v_run.tbl;
  if not found then
    raise exception 'rowhook.backfill: table % is no longer tracked', v_run.tbl
      using errcode = 'invalid_parameter_value';
  end if;
  v_include := v_tracked.include_columns;
  v_exclude := coalesce(v_tracked.exclude_columns, '{}');
  v_type := v_tracked.event_prefix || '.snapshot';

  if v_float_digits::int < 1 then
    perform set_config('extra_float_digits', '1', true);
  end if;
  select string_agg(format('t.%I', k), ', '), string_agg(format('k.%I', k), ', ')
    into v_order, v_after
    from unnest(v_run.key_columns) k;
  -- Keyset: the row-wise comparison (a, b) > (last a, last b) uses the primary key's index; the
  -- last key is read back into the table's own types through jsonb_populate_record.
  execute format(
    'select coalesce(jsonb_agg(x.r order by x.n), ''[]''), count(*)::int from ('
    || 'select to_jsonb(t) as r, row_number() over (order by %s) as n from %s t '
    || 'where %s and ($1::jsonb is null or (%s) > (select %s from jsonb_populate_record(null::%s, $1) k)) '
    || 'order by %s limit $2) x',
    v_order, v_run.tbl, coalesce('(' || v_run.where_clause || ')', 'true'), v_order, v_after,
    v_run.tbl, v_order)
    into v_rows, v_scanned
    using v_run.last_key, batch_size;
  if v_float_digits::int < 1 then
    perform set_config('extra_float_digits', v_float_digits, true);
  end if;

  v_emitted := 0;
  if v_scanned > 0 then
    v_head := '{"type":' || to_json(v_type)::text
      || ',"timestamp":"' || to_char(v_now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
      || '","data":';
    -- As capture_inserted(): the transaction's first event carries the one deferred nudge.
    if current_setting('rowhook.nudge_state', true) is distinct from 'queued' then
      v_first := rowhook.uuidv7();
      perform set_config('rowhook.nudge_first', v_first::text, true);
      perform set_config('rowhook.nudge_state', 'queued', true);
    end if;
    insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, source_table)
    select case when e.n = 1 and v_first is not null then v_first else rowhook.uuidv7() end,
           e.tenant, v_type, v_head || e.data::text || '}', v_now, v_run.tbl::text
      from (select f.*, row_number() over (order by f.ord) as n
              from (select x.ord, x.r ->> v_tracked.tenant_column::text as tenant,
                           case when v_include is null and v_exclude = '{}' then x.r
                                when v_include is null then x.r - v_exclude
                                else (select coalesce(jsonb_object_agg(c.key, c.value), '{}')
                                        from jsonb_each(x.r - v_exclude) c where c.key = any(v_include)) end as data
                      from jsonb_array_elements(v_rows) with ordinality as x(r, ord)) f
             where f.tenant is not null) e;
    get diagnostics v_emitted = row_count;
    select jsonb_object_agg(k::text, v_rows -> (v_scanned - 1) -> k::text) into v_last
      from unnest(v_run.key_columns) k;
  end if;

  update rowhook.backfill_runs r
     set last_key = coalesce(v_last, r.last_key),
         scanned = r.scanned + v_scanned,
         emitted = r.emitted + v_emitted,
         status = case when v_scanned < batch_size then 'done' else 'running' end,
         finished_at = case when v_scanned < batch_size then now() end,
         updated_at = now()
   where r.id = v_run.id;
  return query select v_emitted, v_scanned, v_scanned < batch_size;
end
$$;

-- The whole backfill from psql: `call rowhook.backfill('orders', "where" => 'total > 100')`.
-- Commits after every batch (so it must be CALLed outside an explicit transaction block); pass the
-- run_id of an interrupted run to resume it.
create procedure rowhook.backfill(
  tbl regclass,
  "where" text default null,
  batch_size integer default 500,
  inout run_id bigint default null
)
language plpgsql as $$
declare
  v_done boolean := false;
  v_emitted integer;
  v_scanned integer;
begin
  if run_id is null then
    run_id := rowhook.backfill_start(tbl, "where");
    commit;
  elsif not exists (select 1 from rowhook.backfill_runs r where r.id = run_id and r.tbl = backfill.tbl) then
    raise exception 'rowhook.backfill: no backfill run % for table %', run_id, tbl
      using errcode = 'no_data_found';
  end if;
  while not v_done loop
    select b.emitted, b.scanned, b.done into v_emitted, v_scanned, v_done
      from rowhook.backfill_batch(run_id, batch_size) b;
    commit;
  end loop;
end
$$;
