-- Endpoint health (GET /v1/tenants/:t/endpoints) counts an endpoint's attempts of the last 24 hours:
-- with only (endpoint_id, id) to go by, that count read every attempt the endpoint ever had.
create index attempts_endpoint_started on rowhook.attempts (endpoint_id, started_at);
