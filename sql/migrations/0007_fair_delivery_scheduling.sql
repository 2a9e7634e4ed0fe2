-- Fair scheduling of the local delivery queue: per-endpoint concurrency cap, rate limit (token
-- bucket) and circuit breaker, and round-robin over tenants then endpoints instead of plain FIFO.
-- On AWS these tables stay empty (SQS, Lambda and API destinations schedule there).

-- Attempts in flight for an endpoint at once; null: the runtime's default (ROWHOOK_ENDPOINT_CONCURRENCY).
alter table rowhook.endpoints
  add column max_concurrency integer check (max_concurrency between 1 and 100);

-- True from a claim until its settlement: with next_attempt_at (the lease's end while leased) it
-- tells attempts in flight apart from retries waiting for their delay. A claim whose worker died
-- stays leased until its lease runs out, so it still counts against the cap until then.
alter table rowhook.deliveries add column leased boolean not null default false;

create index deliveries_in_flight on rowhook.deliveries (endpoint_id, next_attempt_at)
  where state = 'pending' and leased;
-- Walked once per claim with a skip scan (one descent per endpoint with pending deliveries) to find
-- which endpoints have something due, then to take each chosen endpoint's oldest due deliveries.
create index deliveries_endpoint_due on rowhook.deliveries (endpoint_id, next_attempt_at)
  where state = 'pending';

-- One row per endpoint that has had deliveries: its scheduling state. No foreign key: deliveries
-- outlive a deleted endpoint (they are discarded when attempted) and so does their lane until then.
-- A claimer locks the lanes it serves (SKIP LOCKED), so concurrent claimers never both fill the
-- same endpoint's cap or spend its tokens twice.
create table rowhook.delivery_lanes (
  endpoint_id text primary key,
  tenant_id text not null,
  -- Claim sequence number of the last claim that served this lane: least recently served first.
  served bigint not null default 0,
  -- Token bucket for endpoints with a rate limit (capacity = one second's worth); null: full.
  tokens double precision,
  tokens_at timestamptz,
  -- Failed attempts since the last success; at the breaker threshold the endpoint gets one probe
  -- in flight at a time until an attempt succeeds.
  consecutive_failures integer not null default 0
);

create sequence rowhook.delivery_claim_seq;

insert into rowhook.delivery_lanes (endpoint_id, tenant_id)
select distinct on (endpoint_id) endpoint_id, tenant_id
  from rowhook.deliveries
 where state = 'pending'
on conflict do nothing;

-- Tokens in a lane's bucket at `at`: it holds at most one second's worth and refills continuously.
-- null: the endpoint has no rate limit.
create function rowhook.lane_tokens(tokens double precision, tokens_at timestamptz, rate integer, at timestamptz)
returns double precision language sql immutable as $$
  select case
    when rate is null then null
    when tokens is null or tokens_at is null then rate::double precision
    else least(rate::double precision,
               tokens + rate * greatest(0, extract(epoch from at - tokens_at))::double precision)
  end
$$;
