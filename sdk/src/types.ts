// The shapes the client returns, named after the API's types. They come from the generated
// operation types, so they follow sdk/graphql/fragments.graphql and the schema without drift.
import type * as G from './generated/graphql.ts';
import type { components } from './generated/rest.ts';

export type Tenant = G.TenantFieldsFragment;
export type CreatedTenant = G.CreateTenantMutation['createTenant'];
export type ApiKey = G.ApiKeyFieldsFragment;
export type CreatedApiKey = G.CreateApiKeyMutation['createApiKey'];
export type PortalSession = G.CreatePortalSessionMutation['createPortalSession'];
export type Viewer = G.ViewerQuery['viewer'];
export type EventType = G.EventTypeFieldsFragment;
export type Endpoint = G.EndpointFieldsFragment;
export type CreatedEndpoint = G.CreateEndpointMutation['createEndpoint'];
export type RotatedSecret = G.RotateEndpointSecretMutation['rotateEndpointSecret'];
export type Event = G.EventFieldsFragment;
/** An event with every delivery it made, as `events.get` returns it. */
export type EventWithDeliveries = NonNullable<G.GetEventQuery['event']>;
export type PublishResult = G.PublishEventMutation['publishEvent'];
export type Delivery = G.DeliveryFieldsFragment;
/** A delivery with its whole attempt log, as `deliveries.get` returns it. */
export type DeliveryWithAttempts = NonNullable<G.GetDeliveryQuery['delivery']>;
export type DeliveryAttempt = G.DeliveryAttemptFieldsFragment;
/** A delivery's latest try as lists show it (`Delivery.lastAttempt`): no request or response bodies. */
export type DeliveryAttemptSummary = G.DeliveryAttemptSummaryFieldsFragment;
export type DeliveryStats = G.DeliveryStatsFieldsFragment;
/** A window's counts, success rate and latency without the time series, as `endpoints.listWithStats` gives each endpoint. */
export type DeliveryStatsSummary = G.DeliveryStatsSummaryFieldsFragment;
/** An endpoint with its delivery stats over the window asked for. */
export type EndpointWithStats = Endpoint & { stats: DeliveryStatsSummary };
export type OperationalEvent = G.OperationalEventFieldsFragment;
export type AuditLogEntry = G.AuditLogEntryFieldsFragment;

/** The body every endpoint receives (`type`, `timestamp`, `data`), as `verifyWebhook` returns it. */
export type WebhookPayload<TData = unknown> = Omit<components['schemas']['WebhookPayload'], 'data'> & { data: TData };

export type {
  ApiKeyScope,
  AttemptOutcome,
  AuditAction,
  AuditActorKind,
  AuditLogFilter,
  CreateApiKeyInput,
  CreateEndpointInput,
  CreateEventTypeInput,
  CreateTenantInput,
  DeliveryFilter,
  DeliveryPath,
  DeliveryStatsFilter,
  DeliveryStatus,
  EndpointFilter,
  EndpointHealth,
  EndpointStatus,
  EventFilter,
  OperationalEventFilter,
  OperationalEventType,
  PublishEventInput,
  StatsBucket,
  TenantFilter,
  TenantLimitsInput,
  TenantStatus,
  UpdateEndpointInput,
  UpdateEventTypeInput,
  UpdateTenantInput,
  UpdateTenantSettingsInput,
} from './generated/graphql.ts';
