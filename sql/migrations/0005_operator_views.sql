-- Operator views over dead letters, attempts and failed events (issue #4).

-- The failure class of a dead letter from its last status and reason, for filtering and grouping.
-- Computed on read rather than stored, so the delivery hot path writes nothing more. The same rule
-- as functions/core/failures/classifyFailure.ts (DynamoDB has no SQL); a test keeps them in step.
create function rowhook.failure_class(p_status integer, p_error text) returns text
language sql immutable parallel safe as $$
  select case
    when p_status is not null then 'http_' || p_status
    when p_error like 'endpoint is disabled%' then 'endpoint_disabled'
    when p_error like 'endpoint has no signing secret%' then 'no_secret'
    else coalesce(
      substring(p_error from '(?:^|last: )(timeout|connect|dns|reset|tls|blocked|other) error'),
      'other')
  end
$$;

-- The attempt tail of one tenant (GET /v1/attempts with a tenant key).
create index attempts_tenant on rowhook.attempts (tenant_id, id);

-- Events the relay could not publish (over the size limit, refused by the transport), newest first.
create index outbox_failed on rowhook.outbox (id desc) where publish_error is not null;
