-- How each endpoint's receiver wants to be talked to: custom headers, receiver auth (basic, bearer,
-- OAuth2 client credentials), a client certificate for mutual TLS, and per-endpoint retry schedule
-- and timeout. `receiver_options` holds only the non-secret half (null: none of it); the secret
-- half (secret header values, password, token, client secret, private key) is one JSON document
-- sealed with AES-256-GCM like the signing secrets (migration 0008), the endpoint id as associated
-- data, the key outside the database.
alter table rowhook.endpoints add column receiver_options jsonb;

-- No foreign key: the API stores the secrets before it creates the endpoint (as on AWS, where the
-- endpoint's creation starts a sync that reads them); deleting the endpoint deletes them.
create table rowhook.endpoint_receiver_secrets (
  endpoint_id text primary key,
  ciphertext bytea not null,
  key_id text not null,
  updated_at timestamptz not null default now()
);

-- A failed OAuth2 token request is its own failure class (`oauth2_token`), so dead letters group
-- "the token endpoint failed" apart from "the receiver failed". Same rule as classifyFailure().
create or replace function rowhook.failure_class(p_status integer, p_error text) returns text
language sql immutable parallel safe as $$
  select case
    when p_status is not null then 'http_' || p_status
    when p_error like 'endpoint is disabled%' then 'endpoint_disabled'
    when p_error like 'endpoint has no signing secret%' then 'no_secret'
    else coalesce(
      substring(p_error from '(?:^|last: )(timeout|connect|dns|reset|tls|blocked|oauth2_token|other) error'),
      'other')
  end
$$;
