-- Dedicated delivery settings of an endpoint (EventBridge API destinations on AWS).
-- The local runtime has no API destinations: it keeps these settings so the API behaves the same,
-- and delivers every endpoint through the pooled queue. The secret half of `auth` (API key value,
-- password, OAuth client secret) is deliberately NOT stored here: only API destinations use it,
-- and on AWS it lives in Secrets Manager (rowhook/<stage>/endpoints/<id>/auth).

alter table rowhook.endpoints
  add column transport text not null default 'auto'
    check (transport in ('auto', 'pooled', 'api-destination')),
  add column rate_limit_per_second integer
    check (rate_limit_per_second between 1 and 300),
  -- Non-secret part only: {"type":"API_KEY","headerName"} | {"type":"BASIC","username"} |
  -- {"type":"OAUTH_CLIENT_CREDENTIALS","tokenUrl","clientId","scope"?}
  add column auth jsonb,
  -- Outcome of the dedicated-delivery sync; null status: dedicated delivery not asked for.
  add column dedicated_status text
    check (dedicated_status in ('pending', 'active', 'fallback-pooled')),
  add column dedicated_api_destination_arn text,
  add column dedicated_reason text,
  add constraint endpoints_dedicated_consistent
    check (dedicated_status is not null or (dedicated_api_destination_arn is null and dedicated_reason is null));
