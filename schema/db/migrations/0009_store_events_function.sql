-- The publish write as one statement that scopes itself to the tenant (services/core/src/events/store-events.ts).
-- A plain statement can only be tenant-scoped inside BEGIN, set_config, ..., COMMIT: four statements
-- per publish, which cost the hot path ~30 % of its CPU (test/load/README.md). A function runs its
-- statements in order, so it sets the role and tenant first and the insert then runs under
-- Row-Level Security exactly as it would in that transaction; called on its own, the call is its own
-- transaction and the settings end with it.
CREATE OR REPLACE FUNCTION acme_store_events(
  p_tenant text,
  p_ids text[],
  p_event_types text[],
  p_consumers text[],
  p_payloads text[],
  p_idempotency_keys text[],
  p_trace_parents text[],
  p_type_ids text[],
  p_type_versions bigint[],
  p_first_delay_ms bigint
) RETURNS TABLE (
  types_current boolean,
  id text,
  event_type text,
  consumer_id text,
  payload jsonb,
  payload_expunged_at timestamptz,
  idempotency_key text,
  trace_parent text,
  created_at timestamptz,
  deliveries json
) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM set_config('role', 'acme_app', true), set_config('acme.tenant_id', p_tenant, true);
  -- Inserts the events and, for each, one delivery per matching endpoint, but only if every event
  -- type is still at the version its payloads were validated against; one row per event, in order.
  -- Delivery ids: the event's ULID time and 64 bits of md5(event id, endpoint id), unique because
  -- (event, endpoint) is. The first attempt waits the first delay of the endpoint's (else the
  -- tenant's, else the gateway's) schedule, in parseRetrySchedule's grammar, on Postgres's clock.
  RETURN QUERY
  WITH input AS (
    SELECT * FROM unnest(p_ids, p_event_types, p_consumers, p_payloads, p_idempotency_keys, p_trace_parents)
      WITH ORDINALITY AS i(id, event_type, consumer_id, payload, idempotency_key, trace_parent, n)),
  checked AS (
    SELECT coalesce(bool_and(t.id IS NOT NULL AND NOT t.archived
                             AND (extract(epoch FROM t.updated_at) * 1000000)::bigint = x.version), false) AS current
      FROM unnest(p_type_ids, p_type_versions) AS x(id, version)
      LEFT JOIN event_types t ON t.id = x.id AND t.tenant_id = p_tenant),
  ev AS (
    INSERT INTO events (id, tenant_id, event_type, consumer_id, payload, idempotency_key, trace_parent)
    SELECT i.id, p_tenant, i.event_type, i.consumer_id, i.payload::jsonb, i.idempotency_key, i.trace_parent
      FROM input i
     WHERE (SELECT c.current FROM checked c)
     ORDER BY i.n
    ON CONFLICT DO NOTHING
    RETURNING *),
  dl AS (
    INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, next_attempt_at)
    SELECT 'dlv_' || substr(ev.id, 5, 10) || upper(left(md5(ev.id || ':' || e.id), 16)), p_tenant, ev.id, e.id,
           now() + coalesce(fd.m[1]::bigint * CASE fd.m[2] WHEN 'ms' THEN 1 WHEN 's' THEN 1000 WHEN 'm' THEN 60000
                                                           WHEN 'h' THEN 3600000 ELSE 86400000 END,
                            p_first_delay_ms) * interval '1 millisecond'
      FROM ev JOIN tenants tn ON tn.id = p_tenant JOIN endpoints e
        ON e.tenant_id = p_tenant AND e.status IN ('ACTIVE', 'PAUSED') AND e.deleted_at IS NULL
       AND (cardinality(e.event_types) = 0 OR ev.event_type = ANY(e.event_types))
       AND e.consumer_id IS NOT DISTINCT FROM ev.consumer_id
      CROSS JOIN LATERAL (SELECT regexp_match(split_part(coalesce(e.retry_schedule, tn.retry_schedule), ',', 1),
                                              '^\s*(\d+)(ms|s|m|h|d)\s*$') AS m) fd
    RETURNING *)
  SELECT (SELECT c.current FROM checked c),
         ev.id, ev.event_type, ev.consumer_id, ev.payload, ev.payload_expunged_at, ev.idempotency_key, ev.trace_parent,
         ev.created_at,
         (SELECT coalesce(json_agg(dl ORDER BY dl.id), '[]') FROM dl WHERE dl.event_id = ev.id)
    FROM input i LEFT JOIN ev ON ev.id = i.id
   ORDER BY i.n;
END
$$;
