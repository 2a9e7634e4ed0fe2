-- Endpoint health (auto-disable after a period of continuous failure) and operational events.
-- The rule lives in functions/core/health/decideEndpointHealth.ts; these columns only keep its state.

alter table rowhook.endpoints
  -- Start of the current run of failed attempts; null while the endpoint is healthy.
  add column failing_since timestamptz,
  add column consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
  add constraint endpoints_failing_consistent
    check ((failing_since is null) = (consecutive_failures = 0));

-- Re-enabling starts the endpoint afresh, whichever route did it (tenant PATCH, operator enable):
-- an old run of failures must not disable it again on its first new failure.
create function rowhook.endpoint_reenabled() returns trigger
language plpgsql as $$
begin
  new.failing_since := null;
  new.consecutive_failures := 0;
  return new;
end
$$;

create trigger endpoint_reenabled
  before update of enabled on rowhook.endpoints
  for each row when (new.enabled and not old.enabled)
  execute function rowhook.endpoint_reenabled();

create table rowhook.operational_events (
  -- oev_<12 hex ms><20 hex random>: sorts by occurrence, so it is also the list's keyset.
  id text primary key check (id ~ '^oev_[0-9a-f]{32}$'),
  type text not null
    check (type in ('endpoint.disabled', 'message.attempt.exhausted', 'endpoint.recovered')),
  tenant_id text not null,
  endpoint_id text not null,
  occurred_at timestamptz not null,
  data jsonb not null
);
create index operational_events_type on rowhook.operational_events (type, id);
create index operational_events_tenant on rowhook.operational_events (tenant_id, id);

-- Same scoping as the outbox: a non-owner session sees only the tenant named by rowhook.tenant_id.
alter table rowhook.operational_events enable row level security;
create policy operational_events_tenant_read on rowhook.operational_events for select
  using (tenant_id = current_setting('rowhook.tenant_id', true));
