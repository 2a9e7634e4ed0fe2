-- Recover: re-send every event matched to one endpoint in a time window, as a job the local runtime
-- works through in bounded batches. The job's position is committed with each batch it queues, so
-- a runtime killed mid-job continues after the last batch queued, never re-sending one twice.
create table rowhook.recoveries (
  id uuid primary key,
  tenant_id text not null,
  endpoint_id text not null,
  since timestamptz not null,
  until timestamptz not null,
  -- Set when `since` reached further back than the oldest event still kept: the job starts here.
  truncated_at timestamptz,
  status text not null default 'running' check (status in ('running', 'done', 'failed')),
  -- Deliveries in the window when the job was created; `sent` counts those queued again so far.
  total integer not null,
  sent integer not null default 0,
  -- The ordering key (see RECOVERY_ORDER in functions/adapters/sql/recoverySql.ts) of the last
  -- delivery queued, and of the last one in the window when the job was created: the job never
  -- goes past it, so deliveries added later are not counted or sent. Text, so the key can change.
  position text,
  last_key text,
  error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index recoveries_running on rowhook.recoveries (created_at) where status = 'running';
create index recoveries_tenant on rowhook.recoveries (tenant_id, created_at);

-- The job walks one endpoint's deliveries in webhook-sequence order from its position: a keyset
-- scan on 0014's unique deliveries_endpoint_sequence (endpoint_id, sequence) index.
