import type postgres from 'postgres';
import { type SealedSecret, signingNow } from '../endpoints/signing-secrets.ts';
import type { WebhookMessage } from './webhook-request.ts';

/** A delivery ready to attempt, with what sending it needs. */
export interface DueDelivery {
  id: string;
  tenantId: string;
  attemptCount: number;
  /** attemptCount when last replayed: the retry schedule counts from here. */
  scheduleBase: number;
  /** The dispatcher whose claim this is (fast path): its write must still hold the claim (write-attempts.ts). */
  leaseOwner: string | null;
  /** How long it had been due when it was claimed or loaded (the claim lag, on the fast path). */
  overdueMs: number;
  message: WebhookMessage;
  /** The publishing span's W3C traceparent: each attempt's span is its child. */
  traceParent: string | null;
  endpoint: {
    id: string;
    url: string;
    headers: Record<string, string>;
    timeoutMs: number | null;
    /** The endpoint's override, else its tenant's; null = the gateway default. */
    retrySchedule: string | null;
    /** Every secret that signs right now (the current one and any in a rotation's grace), still sealed. */
    secrets: readonly SealedSecret[];
  };
}

interface DueRow {
  id: string;
  tenant_id: string;
  attempt_count: number;
  schedule_base: number;
  lease_owner: string | null;
  overdue_ms: number;
  event_id: string;
  event_type: string;
  event_created_ms: number;
  payload: unknown;
  trace_parent: string | null;
  endpoint_id: string;
  url: string;
  headers: Record<string, string>;
  timeout_ms: number | null;
  retry_schedule: string | null;
  secrets: SealedSecret[];
}

/** Selects the DueDelivery columns from a CTE or table aliased `d`. */
export function dueDeliveryColumns(sql: postgres.Sql) {
  return sql`
    d.id, d.tenant_id, d.attempt_count, d.schedule_base, d.lease_owner,
    greatest(0, extract(epoch from (now() - d.next_attempt_at)) * 1000)::float8 as overdue_ms,
    e.id as event_id, e.event_type, e.payload, e.trace_parent,
    -- Epoch ms, not timestamptz: Drizzle's client hands raw timestamps back as strings.
    (extract(epoch from e.created_at) * 1000)::float8 as event_created_ms,
    ep.id as endpoint_id, ep.url, ep.headers, ep.timeout_ms,
    coalesce(ep.retry_schedule, t.retry_schedule) as retry_schedule,
    -- With the row, not a query of its own per batch: one round trip less between claim and send.
    (select coalesce(json_agg(json_build_object('id', s.id, 'ciphertext', s.ciphertext) order by s.created_at), '[]')
       from endpoint_secrets s
      where s.endpoint_id = ep.id and ${sql.unsafe(signingNow('s'))}) as secrets`;
}

export function dueDeliveryJoins(sql: postgres.Sql) {
  return sql`
    join events e on e.id = d.event_id
    join endpoints ep on ep.id = d.endpoint_id
    join tenants t on t.id = d.tenant_id`;
}

export function toDueDelivery(row: DueRow): DueDelivery {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    attemptCount: row.attempt_count,
    scheduleBase: row.schedule_base,
    leaseOwner: row.lease_owner,
    overdueMs: row.overdue_ms,
    message: {
      eventId: row.event_id,
      eventType: row.event_type,
      eventCreatedAt: new Date(row.event_created_ms),
      payload: row.payload,
    },
    traceParent: row.trace_parent,
    endpoint: {
      id: row.endpoint_id,
      url: row.url,
      headers: row.headers,
      timeoutMs: row.timeout_ms,
      retrySchedule: row.retry_schedule,
      secrets: row.secrets,
    },
  };
}

export type { DueRow };
