-- App-defined events (rowhook.publish) and the event catalog (JSON Schemas of every event type's
-- `data`, versioned). A published event is an outbox row like a captured one: same body envelope,
-- same RLS insert policy (publish runs as the caller), same commit-time nudge, same relay.

-- The key per-key ordered delivery orders by (set by rowhook.publish's ordering_key; NULL for row
-- changes unless something else sets it).
alter table rowhook.outbox add column ordering_key text;

-- Idempotency keys of published events: the same key for the same tenant within 24 hours returns
-- the first event's id. Reached only through rowhook.publish_prepare (SECURITY DEFINER), so no role
-- reads another tenant's keys.
create table rowhook.publish_keys (
  tenant_id text not null,
  idempotency_key text not null,
  event_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, idempotency_key)
);

-- Types published per tenant, for the catalog (a tenant sees only the types it published).
create table rowhook.published_types (
  tenant_id text not null,
  event_type text not null,
  first_published_at timestamptz not null default now(),
  primary key (tenant_id, event_type)
);

-- Every version of every event type's `data` schema: derived from a tracked table's columns
-- (source 'table', a new version whenever the derived schema changes) or registered for a
-- published type (source 'published'). The newest version is the current one; older ones are kept.
create table rowhook.event_schemas (
  event_type text not null,
  version integer not null check (version > 0),
  source text not null check (source in ('table', 'published')),
  schema jsonb not null,
  source_table text,
  created_at timestamptz not null default now(),
  primary key (event_type, version)
);

-- The grammar of track_table's event_prefix (0001, 0011), for published event types.
create function rowhook.check_event_type_name(p_type text, p_caller text) returns void
language plpgsql immutable as $$
begin
  if p_type is null or p_type = '' then
    raise exception '%: event_type is required', p_caller using errcode = 'invalid_parameter_value';
  end if;
  if length(p_type) > 200 then
    raise exception '%: event_type is % characters long; the limit is 200', p_caller, length(p_type)
      using errcode = 'invalid_parameter_value';
  end if;
  if p_type !~ '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' then
    raise exception '%: event_type "%" may contain only letters, digits, "_", "." and "-", and must not start with "." or "-"', p_caller, p_type
      using errcode = 'invalid_parameter_value';
  end if;
end
$$;

-- Types Rowhook itself sends: the tracked tables' row changes (and backfill snapshots) and the test
-- event. Publishing one would let an application event pass for a row change.
create function rowhook.reserved_event_type(p_type text) returns text
language sql stable as $$
  select coalesce(
    (select 'the ' || p_type || ' events of tracked table ' || t.tbl::text
       from rowhook.tracked_tables t
      where p_type in (t.event_prefix || '.created', t.event_prefix || '.updated', t.event_prefix || '.deleted',
                       t.event_prefix || '.snapshot')
      limit 1),
    case when p_type like 'webhook.%' then 'Rowhook''s own ' || p_type || ' events' end)
$$;

-- Where `value` breaks `schema` (a JSON Schema subset: type (a name or a list, "null" included),
-- properties, required, additionalProperties false, items, enum, anyOf, format date-time / date /
-- uuid), as "<path>: <what>", or NULL when it fits. The same rules as
-- functions/core/catalog/findSchemaViolation.ts, which the HTTP API applies before calling publish.
create function rowhook.schema_violation(p_schema jsonb, p_value jsonb, p_path text) returns text
language plpgsql immutable as $$
declare
  v_kind text := jsonb_typeof(p_value);
  v_types jsonb;
  v_text text;
  v_key text;
  v_sub jsonb;
  v_found text;
  v_index integer;
begin
  if jsonb_typeof(p_schema) is distinct from 'object' then
    return null; -- true / {} / anything else: no constraint
  end if;
  if p_schema ? 'anyOf' then
    for v_sub in select e from jsonb_array_elements(p_schema -> 'anyOf') e loop
      if rowhook.schema_violation(v_sub, p_value, p_path) is null then
        v_found := 'ok';
        exit;
      end if;
    end loop;
    if v_found is null then
      return p_path || ': matches none of the allowed shapes';
    end if;
    v_found := null;
  end if;
  if p_schema ? 'type' then
    v_types := case when jsonb_typeof(p_schema -> 'type') = 'array' then p_schema -> 'type'
                    else jsonb_build_array(p_schema -> 'type') end;
    -- A whole number is an integer whatever its spelling (1.0 too); the cast only for numbers.
    if not (v_types ? v_kind or (v_types ? 'integer' and v_kind = 'number'
                                  and case when v_kind = 'number' then (p_value #>> '{}')::numeric % 1 = 0 end)) then
      select string_agg(t, ' or ') into v_text from jsonb_array_elements_text(v_types) t;
      return p_path || ': expected ' || v_text || ', got ' || v_kind;
    end if;
  end if;
  if p_schema ? 'enum' and not exists (select 1 from jsonb_array_elements(p_schema -> 'enum') e where e = p_value) then
    return p_path || ': must be one of '
      || (select string_agg(e::text, ', ') from jsonb_array_elements(p_schema -> 'enum') e);
  end if;
  if v_kind = 'string' and p_schema ? 'format' then
    v_text := p_value #>> '{}';
    -- Shape first, then ranges: OR does not short-circuit, and the casts need the shape.
    if p_schema ->> 'format' = 'date-time' then
      if v_text !~ '^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$' then
        return p_path || ': must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z';
      end if;
      if not rowhook.is_calendar_date(substr(v_text, 1, 10))
         or substr(v_text, 12, 2)::int > 23 or substr(v_text, 15, 2)::int > 59 or substr(v_text, 18, 2)::int > 60 then
        return p_path || ': must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z';
      end if;
    elsif p_schema ->> 'format' = 'date' then
      if v_text !~ '^\d{4}-\d\d-\d\d$' then
        return p_path || ': must be a date such as 2026-01-31';
      end if;
      if not rowhook.is_calendar_date(v_text) then
        return p_path || ': must be a date such as 2026-01-31';
      end if;
    elsif p_schema ->> 'format' = 'uuid' then
      if v_text !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
        return p_path || ': must be a UUID';
      end if;
    end if;
  end if;
  if v_kind = 'object' then
    for v_key in select jsonb_array_elements_text(coalesce(p_schema -> 'required', '[]')) loop
      if not p_value ? v_key then
        return p_path || '.' || v_key || ': is required';
      end if;
    end loop;
    for v_key, v_sub in select e.key, e.value from jsonb_each(p_value) e order by e.key collate "C" loop
      if p_schema -> 'properties' ? v_key then
        v_found := rowhook.schema_violation(p_schema -> 'properties' -> v_key, v_sub, p_path || '.' || v_key);
        if v_found is not null then
          return v_found;
        end if;
      elsif p_schema -> 'additionalProperties' = 'false'::jsonb then
        return p_path || '.' || v_key || ': is not an allowed property';
      end if;
    end loop;
  end if;
  if v_kind = 'array' and p_schema ? 'items' then
    v_index := 0;
    for v_sub in select e from jsonb_array_elements(p_value) e loop
      v_found := rowhook.schema_violation(p_schema -> 'items', v_sub, p_path || '[' || v_index || ']');
      if v_found is not null then
        return v_found;
      end if;
      v_index := v_index + 1;
    end loop;
  end if;
  return null;
end
$$;

-- YYYY-MM-DD names a real day (2026-02-30 does not).
create function rowhook.is_calendar_date(p_text text) returns boolean
language sql immutable as $$
  select case
    when substr(p_text, 1, 4)::int < 1 or substr(p_text, 6, 2)::int not between 1 and 12 then false
    else substr(p_text, 9, 2)::int between 1 and extract(day from
           make_date(substr(p_text, 1, 4)::int, substr(p_text, 6, 2)::int, 1) + interval '1 month - 1 day')::int
  end
$$;

-- The checks and bookkeeping of a publish, as the owner: the tenant scope (the outbox insert
-- policy's rule, checked here because the keys are read past RLS), the type's grammar and reserved
-- names, the registered schema, the tenant's published types, and the idempotency key. Returns the
-- event id to use and whether it is new (false: the key was used within 24 hours; nothing to write).
create function rowhook.publish_prepare(
  p_tenant_id text, p_event_type text, p_data jsonb, p_idempotency_key text, p_ordering_key text,
  out event_id uuid, out created boolean
)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_scope text := coalesce(current_setting('rowhook.tenant_id', true), '');
  v_reserved text;
  v_schema record;
  v_violation text;
  v_candidate uuid := rowhook.uuidv7();
begin
  if p_tenant_id is null or p_tenant_id = '' then
    raise exception 'rowhook.publish: tenant_id is required' using errcode = 'invalid_parameter_value';
  end if;
  if v_scope not in ('', p_tenant_id) then
    raise exception 'rowhook.publish: this connection is scoped to tenant "%" (rowhook.tenant_id) and may not publish for tenant "%"', v_scope, p_tenant_id
      using errcode = 'insufficient_privilege';
  end if;
  perform rowhook.check_event_type_name(p_event_type, 'rowhook.publish');
  v_reserved := rowhook.reserved_event_type(p_event_type);
  if v_reserved is not null then
    raise exception 'rowhook.publish: event_type "%" is reserved for %; choose another name', p_event_type, v_reserved
      using errcode = 'invalid_parameter_value';
  end if;
  if p_data is null or jsonb_typeof(p_data) <> 'object' then
    raise exception 'rowhook.publish: data must be a JSON object (it becomes the webhook''s "data"), got %', coalesce(jsonb_typeof(p_data), 'NULL')
      using errcode = 'invalid_parameter_value';
  end if;
  if p_idempotency_key is not null and (p_idempotency_key = '' or length(p_idempotency_key) > 255) then
    raise exception 'rowhook.publish: idempotency_key must be 1-255 characters (or NULL for none)'
      using errcode = 'invalid_parameter_value';
  end if;
  if p_ordering_key is not null and (p_ordering_key = '' or length(p_ordering_key) > 255) then
    raise exception 'rowhook.publish: ordering_key must be 1-255 characters (or NULL for none)'
      using errcode = 'invalid_parameter_value';
  end if;

  select s.version, s.schema into v_schema
    from rowhook.event_schemas s
   where s.event_type = p_event_type and s.source = 'published'
   order by s.version desc limit 1;
  if found then
    v_violation := rowhook.schema_violation(v_schema.schema, p_data, 'data');
    if v_violation is not null then
      raise exception 'rowhook.publish: data does not match the schema registered for "%" (version %): %', p_event_type, v_schema.version, v_violation
        using errcode = 'check_violation';
    end if;
  end if;

  insert into rowhook.published_types (tenant_id, event_type) values (p_tenant_id, p_event_type)
  on conflict do nothing;

  if p_idempotency_key is null then
    event_id := v_candidate;
    created := true;
    return;
  end if;
  -- A concurrent publish with the same key waits here for the first one's transaction: if that
  -- commits, this one gets its id; if it rolls back, this one takes the key.
  insert into rowhook.publish_keys as k (tenant_id, idempotency_key, event_id, created_at)
  values (p_tenant_id, p_idempotency_key, v_candidate, now())
  on conflict (tenant_id, idempotency_key) do update
    set event_id = excluded.event_id, created_at = excluded.created_at
    where k.created_at < now() - interval '24 hours'
  returning k.event_id into event_id;
  if found then
    created := true;
    return;
  end if;
  select k.event_id into event_id
    from rowhook.publish_keys k
   where k.tenant_id = p_tenant_id and k.idempotency_key = p_idempotency_key;
  created := false;
end
$$;
grant execute on function rowhook.publish_prepare(text, text, jsonb, text, text) to public;

-- Publishes an app-defined event in the caller's transaction: delivered after commit like a row
-- change (same envelope, same relay), never if the transaction rolls back. Runs as the caller, so
-- the outbox's RLS insert policy applies as it does to the capture.
create function rowhook.publish(
  tenant_id text,
  event_type text,
  data jsonb,
  idempotency_key text default null,
  ordering_key text default null
) returns uuid
language plpgsql as $$
declare
  v_prepared record;
  v_now timestamptz := statement_timestamp();
begin
  select p.event_id, p.created into v_prepared
    from rowhook.publish_prepare(publish.tenant_id, publish.event_type, publish.data,
                                 publish.idempotency_key, publish.ordering_key) p;
  if not v_prepared.created then
    return v_prepared.event_id;
  end if;
  -- Same marking as rowhook.capture(): the first event of a transaction queues outbox_nudge.
  if current_setting('rowhook.nudge_state', true) is distinct from 'queued' then
    perform set_config('rowhook.nudge_state', 'first', true);
  end if;
  insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, ordering_key)
  values (v_prepared.event_id, publish.tenant_id, publish.event_type,
          '{"type":' || to_json(publish.event_type)::text
            || ',"timestamp":"' || to_char(v_now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            || '","data":' || publish.data::text || '}',
          v_now, publish.ordering_key);
  perform set_config('rowhook.nudge_state', 'queued', true);
  return v_prepared.event_id;
end
$$;

-- The JSON Schema of a column's values as to_jsonb renders them in event bodies (see
-- test/integration/capture.types.test.ts): numeric and floats are JSON numbers, but NaN and
-- ±Infinity arrive as strings; timestamptz is RFC 3339 with an offset; domains are their base type.
create function rowhook.column_schema(p_type oid, p_not_null boolean) returns jsonb
language plpgsql stable as $$
declare
  v_type pg_type;
  v_schema jsonb;
begin
  select * into v_type from pg_type where oid = p_type;
  if v_type.typtype = 'd' then
    return rowhook.column_schema(v_type.typbasetype, p_not_null or v_type.typnotnull);
  end if;
  if v_type.typcategory = 'A' and v_type.typelem <> 0 then
    -- Elements may be NULL whatever the column says.
    v_schema := jsonb_build_object('type', 'array', 'items', rowhook.column_schema(v_type.typelem, false));
  elsif v_type.typtype = 'e' then
    v_schema := jsonb_build_object('type', 'string', 'enum',
      (select jsonb_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = p_type));
  elsif v_type.typtype = 'c' then
    v_schema := '{"type": "object"}';
  else
    v_schema := case v_type.typname
      when 'int2' then '{"type": "integer"}'
      when 'int4' then '{"type": "integer"}'
      when 'int8' then '{"type": "integer"}'
      when 'oid' then '{"type": "integer"}'
      when 'numeric' then '{"anyOf": [{"type": "number"}, {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]}]}'
      when 'float4' then '{"anyOf": [{"type": "number"}, {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]}]}'
      when 'float8' then '{"anyOf": [{"type": "number"}, {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]}]}'
      when 'bool' then '{"type": "boolean"}'
      when 'json' then '{}'
      when 'jsonb' then '{}'
      when 'timestamptz' then '{"type": "string", "format": "date-time"}'
      when 'date' then '{"type": "string", "format": "date"}'
      when 'uuid' then '{"type": "string", "format": "uuid"}'
      else '{"type": "string"}'
    end::jsonb;
  end if;
  if p_not_null or v_schema = '{}'::jsonb then
    return v_schema;
  end if;
  if v_schema ? 'anyOf' then
    return jsonb_set(v_schema, '{anyOf}', (v_schema -> 'anyOf') || '[{"type": "null"}]');
  end if;
  v_schema := jsonb_set(v_schema, '{type}', jsonb_build_array(v_schema ->> 'type', 'null'));
  if v_schema ? 'enum' then
    v_schema := jsonb_set(v_schema, '{enum}', (v_schema -> 'enum') || 'null'::jsonb);
  end if;
  return v_schema;
end
$$;

-- The schema of a tracked table's `data`: its columns after include/exclude, every one present.
create function rowhook.table_data_schema(p_tbl regclass, p_include text[], p_exclude text[]) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'type', 'object',
    'properties', coalesce(jsonb_object_agg(a.attname, rowhook.column_schema(a.atttypid, a.attnotnull)), '{}'),
    'required', coalesce(jsonb_agg(a.attname::text order by a.attnum), '[]'),
    'additionalProperties', false)
    from pg_attribute a
   where a.attrelid = p_tbl and a.attnum > 0 and not a.attisdropped
     and (p_include is null or a.attname = any(p_include))
     and not (a.attname = any(coalesce(p_exclude, '{}')))
$$;

-- Records a new version for every tracked table's event type whose derived schema differs from its
-- newest one (a column added, dropped or retyped, the include/exclude lists changed). Run by every
-- catalog read, so a change is versioned by the next read after it.
create function rowhook.refresh_table_schemas() returns void
language sql as $$
  insert into rowhook.event_schemas (event_type, version, source, schema, source_table)
  select x.event_type, coalesce(latest.version, 0) + 1, 'table', x.schema, x.source_table
    from (select t.event_prefix || s.suffix as event_type, t.tbl::text as source_table,
                 rowhook.table_data_schema(t.tbl, t.include_columns, t.exclude_columns) as schema
            from rowhook.tracked_tables t
           cross join (values ('.created'), ('.updated'), ('.deleted')) s(suffix)) x
    left join lateral (select e.version, e.schema, e.source_table from rowhook.event_schemas e
                        where e.event_type = x.event_type order by e.version desc limit 1) latest on true
   where latest.schema is distinct from x.schema or latest.source_table is distinct from x.source_table
  on conflict do nothing
$$;

-- Registers (or replaces, as a new version) the schema of a published event type. Returns its version.
create function rowhook.register_event_schema(p_event_type text, p_schema jsonb) returns integer
language plpgsql as $$
declare
  v_reserved text;
  v_latest record;
begin
  perform rowhook.check_event_type_name(p_event_type, 'rowhook.register_event_schema');
  v_reserved := rowhook.reserved_event_type(p_event_type);
  if v_reserved is not null then
    raise exception 'rowhook.register_event_schema: "%" is reserved for %; its schema comes from the table', p_event_type, v_reserved
      using errcode = 'invalid_parameter_value';
  end if;
  if p_schema is null or jsonb_typeof(p_schema) <> 'object' then
    raise exception 'rowhook.register_event_schema: the schema must be a JSON object' using errcode = 'invalid_parameter_value';
  end if;
  -- One registration of a type at a time, so versions never collide.
  perform pg_advisory_xact_lock(7262013, hashtext(p_event_type));
  select e.version, e.schema into v_latest from rowhook.event_schemas e
   where e.event_type = p_event_type order by e.version desc limit 1;
  if found and v_latest.schema = p_schema then
    return v_latest.version;
  end if;
  insert into rowhook.event_schemas (event_type, version, source, schema)
  values (p_event_type, coalesce(v_latest.version, 0) + 1, 'published', p_schema);
  return coalesce(v_latest.version, 0) + 1;
end
$$;

-- The catalog: tracked tables' types and registered published types for everyone, plus the types
-- this tenant published without a schema (every tenant's for an operator: p_tenant_id NULL).
create function rowhook.event_catalog(p_tenant_id text)
returns table (event_type text, source text, version integer, schema jsonb, source_table text, updated_at timestamptz)
language plpgsql as $$
begin
  perform rowhook.refresh_table_schemas();
  return query
    with current_types as (
      select t.event_prefix || s.suffix as event_type
        from rowhook.tracked_tables t
       cross join (values ('.created'), ('.updated'), ('.deleted')) s(suffix)
    ),
    latest as (
      select distinct on (e.event_type) e.event_type, e.source, e.version, e.schema, e.source_table, e.created_at
        from rowhook.event_schemas e
       order by e.event_type, e.version desc
    )
    select l.event_type, l.source, l.version, l.schema, l.source_table, l.created_at
      from latest l
     where (l.source = 'table' and l.event_type in (select c.event_type from current_types c))
        or (l.source = 'published' and rowhook.reserved_event_type(l.event_type) is null)
    union all
    select distinct p.event_type, 'published'::text, null::integer, null::jsonb, null::text, null::timestamptz
      from rowhook.published_types p
     where (p_tenant_id is null or p.tenant_id = p_tenant_id)
       and not exists (select 1 from rowhook.event_schemas e where e.event_type = p.event_type)
       and rowhook.reserved_event_type(p.event_type) is null
    order by 1;
end
$$;
