-- Float columns captured exactly whatever the writer's extra_float_digits (at < 1, to_jsonb rounded
-- double precision to 15 significant digits, e.g. pi() became 3.14159265358979). capture() as in
-- 0001 otherwise; the check costs one setting read per row, the set_config only sessions that lower it.

-- Hot path: runs for every tracked row change, so it avoids anything that costs per call
-- (SQL-function calls, a SET clause, catalog lookups); measured in bench/captureOverhead.ts.
create or replace function rowhook.capture() returns trigger
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
  v_float_digits text := current_setting('extra_float_digits');
begin
  -- At extra_float_digits < 1 (a writer's session setting) to_jsonb rounds float4/float8 values;
  -- at >= 1 they come out exact (shortest form that reads back the same). Put back before returning.
  if v_float_digits::int < 1 then
    perform set_config('extra_float_digits', '1', true);
  end if;
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
    if v_float_digits::int < 1 then perform set_config('extra_float_digits', v_float_digits, true); end if;
    return null;
  end if;
  if tg_op = 'UPDATE' then
    v_old_data := to_jsonb(old) - v_exclude;
    if v_include is not null then
      select coalesce(jsonb_object_agg(e.key, e.value), '{}') into v_old_data
        from jsonb_each(v_old_data) e where e.key = any(v_include);
    end if;
    if v_old_data = v_data then
      if v_float_digits::int < 1 then perform set_config('extra_float_digits', v_float_digits, true); end if;
      return null; -- nothing the subscribers can see has changed
    end if;
    select jsonb_object_agg(o.key, o.value) into v_previous
      from jsonb_each(v_old_data) o
     where v_data -> o.key is distinct from o.value;
  end if;

  if v_float_digits::int < 1 then perform set_config('extra_float_digits', v_float_digits, true); end if;
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

