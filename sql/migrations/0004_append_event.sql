-- Events Rowhook writes itself (test events) rather than a tracked table: recorded like a capture,
-- including the commit-time nudge, so the relay wakes the same way locally and on Aurora.
create function rowhook.append_event(
  p_tenant_id text, p_type text, p_body text, p_target_endpoint_id text
) returns uuid
language plpgsql as $$
declare
  v_id uuid := rowhook.uuidv7();
begin
  -- Same marking as rowhook.capture(): the first event of a transaction queues outbox_nudge.
  if current_setting('rowhook.nudge_state', true) is distinct from 'queued' then
    perform set_config('rowhook.nudge_state', 'first', true);
  end if;
  insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, target_endpoint_id)
  values (v_id, p_tenant_id, p_type, p_body, now(), p_target_endpoint_id);
  perform set_config('rowhook.nudge_state', 'queued', true);
  return v_id;
end
$$;
