-- Local stand-in for Aurora's aws_lambda extension, with the same function signatures, so the
-- capture SQL runs unchanged on both. Installed only where the real extension is absent.
-- An invocation becomes a NOTIFY that the local runtime listens for; NOTIFY is delivered only if
-- the transaction commits, which is what the relay wants anyway.

create schema if not exists aws_commons;
create schema if not exists aws_lambda;

do $$
begin
  if not exists (select 1 from pg_type t join pg_namespace n on n.oid = t.typnamespace
                  where n.nspname = 'aws_commons' and t.typname = '_lambda_function_arn_1') then
    create type aws_commons._lambda_function_arn_1 as (function_name text, region text);
  end if;
end
$$;

-- Functions the local runtime serves; invoking any other name fails like Lambda's
-- ResourceNotFoundException does.
create table if not exists aws_lambda.local_functions (
  function_name text primary key
);

create or replace function aws_commons.create_lambda_function_arn(function_name text, region text default null)
returns aws_commons._lambda_function_arn_1
language sql immutable as $$
  select row($1, $2)::aws_commons._lambda_function_arn_1
$$;

create or replace function aws_lambda.local_invoke(p_function_name text, p_payload text, p_invocation_type text)
returns integer
language plpgsql as $$
begin
  if not exists (select 1 from aws_lambda.local_functions f where f.function_name = p_function_name) then
    raise exception 'Function not found: %', p_function_name using errcode = '38000';
  end if;
  if p_invocation_type not in ('RequestResponse', 'Event', 'DryRun') then
    raise exception 'invalid invocation_type: %', p_invocation_type using errcode = '22023';
  end if;
  if p_invocation_type = 'DryRun' then
    return 204;
  end if;
  perform pg_notify('aws_lambda_invoke', json_build_object('function', p_function_name, 'payload', p_payload::json)::text);
  return case when p_invocation_type = 'Event' then 202 else 200 end;
end
$$;

-- IN and OUT parameters are both named "payload" as on Aurora; only a LANGUAGE sql function may
-- do that, so these wrappers refer to their arguments by position.
create or replace function aws_lambda.invoke(
  function_name text, payload json, region text default null,
  invocation_type text default 'RequestResponse', log_type text default 'None',
  context json default null, qualifier varchar(128) default null,
  out status_code integer, out payload json, out executed_version text, out log_result text)
language sql as $$
  select aws_lambda.local_invoke($1, $2::text, $4), null::json, '$LATEST'::text, null::text
$$;

create or replace function aws_lambda.invoke(
  function_name text, payload jsonb, region text default null,
  invocation_type text default 'RequestResponse', log_type text default 'None',
  context jsonb default null, qualifier varchar(128) default null,
  out status_code integer, out payload jsonb, out executed_version text, out log_result text)
language sql as $$
  select aws_lambda.local_invoke($1, $2::text, $4), null::jsonb, '$LATEST'::text, null::text
$$;

create or replace function aws_lambda.invoke(
  function_name aws_commons._lambda_function_arn_1, payload json,
  invocation_type text default 'RequestResponse', log_type text default 'None',
  context json default null, qualifier varchar(128) default null,
  out status_code integer, out payload json, out executed_version text, out log_result text)
language sql as $$
  select aws_lambda.local_invoke(($1).function_name, $2::text, $3), null::json, '$LATEST'::text, null::text
$$;

create or replace function aws_lambda.invoke(
  function_name aws_commons._lambda_function_arn_1, payload jsonb,
  invocation_type text default 'RequestResponse', log_type text default 'None',
  context jsonb default null, qualifier varchar(128) default null,
  out status_code integer, out payload jsonb, out executed_version text, out log_result text)
language sql as $$
  select aws_lambda.local_invoke(($1).function_name, $2::text, $3), null::jsonb, '$LATEST'::text, null::text
$$;
