-- The tenant portal (issue 14 §3): short-lived portal sessions, the origins allowed to frame the
-- portal per tenant, and the indexes the per-minute delivery charts read.

-- Like API keys, only the SHA-256 of a portal token is stored (256 random bits: a fast hash suffices).
-- The id is public: it rides in the portal URL's query so the server can pick the tenant's
-- frame-ancestors before any script runs; the token itself stays in the URL fragment.
create table rowhook.portal_sessions (
  id text primary key,
  token_hash bytea not null unique,
  tenant_id text not null references rowhook.tenants (id) on delete cascade,
  read_only boolean not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index portal_sessions_expires on rowhook.portal_sessions (expires_at);

-- Origins (scheme://host[:port]) that may embed the portal in an iframe; none by default.
create table rowhook.tenant_portal_settings (
  tenant_id text primary key references rowhook.tenants (id) on delete cascade,
  frame_ancestors text[] not null default '{}'
);

-- The charts bucket a tenant's (and every tenant's) attempts of the last 24 h by minute; the
-- endpoint chart uses attempts_endpoint_started (0009).
create index attempts_tenant_started on rowhook.attempts (tenant_id, started_at);
create index attempts_started on rowhook.attempts (started_at);
