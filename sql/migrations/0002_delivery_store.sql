-- The PostgreSQL-backed delivery side used by the local runtime: tenants, endpoints, signing
-- secrets, the delivery queue (one row per event x endpoint), attempts and dead letters.
-- On AWS these live in DynamoDB, SQS and Secrets Manager instead; the tables stay empty there.

create table rowhook.tenants (
  id text primary key,
  name text not null,
  tier text not null default 'pooled' check (tier in ('pooled', 'dedicated')),
  created_at timestamptz not null default now()
);

-- Only the SHA-256 of a key is stored; keys carry 192 bits of randomness, so a fast hash suffices.
create table rowhook.api_keys (
  key_hash bytea primary key,
  tenant_id text not null references rowhook.tenants (id) on delete cascade,
  key_prefix text not null,
  created_at timestamptz not null default now()
);
create index api_keys_tenant on rowhook.api_keys (tenant_id);

create table rowhook.endpoints (
  id text primary key,
  tenant_id text not null references rowhook.tenants (id) on delete cascade,
  url text not null,
  description text not null default '',
  event_types text[],
  filter jsonb,
  enabled boolean not null default true,
  disabled_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index endpoints_tenant on rowhook.endpoints (tenant_id, created_at, id);

create table rowhook.endpoint_secrets (
  endpoint_id text not null references rowhook.endpoints (id) on delete cascade,
  secret text not null,
  created_at timestamptz not null default now(),
  -- Set when rotated away: the old secret keeps signing alongside the new one until then.
  expires_at timestamptz,
  primary key (endpoint_id, created_at)
);

create table rowhook.deliveries (
  id uuid primary key,
  event_id uuid not null,
  endpoint_id text not null,
  tenant_id text not null,
  state text not null default 'pending' check (state in ('pending', 'delivered', 'dead', 'discarded')),
  -- Attempts started, counted when claimed (like SQS's receive count) so a delivery that keeps
  -- crashing its worker still runs out of attempts.
  attempts integer not null default 0,
  -- When the next attempt is due; while an attempt is in flight, when its lease runs out.
  next_attempt_at timestamptz not null default now(),
  -- New on every claim, like an SQS receipt handle: only the holder of the latest claim may
  -- settle, so a worker whose lease ran out cannot overwrite a newer attempt, even across a
  -- redrive that restarts the attempt count.
  receipt uuid,
  last_status integer,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (event_id, endpoint_id)
);
create index deliveries_due on rowhook.deliveries (next_attempt_at) where state = 'pending';
create index deliveries_dead on rowhook.deliveries (finished_at desc, id) where state = 'dead';
create index deliveries_endpoint on rowhook.deliveries (endpoint_id, state);

create table rowhook.attempts (
  id bigint generated always as identity primary key,
  delivery_id uuid not null,
  tenant_id text not null,
  endpoint_id text not null,
  event_id uuid not null,
  attempt integer not null,
  started_at timestamptz not null,
  webhook_timestamp bigint not null,
  status integer,
  latency_ms integer not null,
  error_class text,
  error_message text,
  response_snippet text
);
create index attempts_endpoint on rowhook.attempts (endpoint_id, id desc);
create index attempts_delivery on rowhook.attempts (delivery_id, id);
