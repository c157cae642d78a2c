export { AcmeWebhooks, type AcmeWebhooksOptions } from './client.ts';
export {
  AcmeError,
  type AcmeErrorOptions,
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
  RateLimitError,
  TimeoutError,
} from './errors.ts';
export type { GraphQLDocument } from './graphql-document.ts';
export type { CountParams, Page, PageInfo, PageParams, TotalCount } from './pagination.ts';
export type { ListApiKeysParams } from './resources/api-keys.ts';
export type { ListAuditLogParams } from './resources/audit-log.ts';
export type { DeadLetterFilter, ListDeadLettersParams, ReplayedDeadLetters } from './resources/dead-letters.ts';
export type { ListDeliveriesParams } from './resources/deliveries.ts';
export type { ListEndpointsParams, ListEndpointsWithStatsParams } from './resources/endpoints.ts';
export type { ListEventTypesParams } from './resources/event-types.ts';
export type { ListEventsParams } from './resources/events.ts';
export type { ListOperationalEventsParams } from './resources/operational-events.ts';
export type { ListTenantsParams } from './resources/tenants.ts';
export { type SignedWebhookHeaders, signWebhook } from './sign-webhook.ts';
export type * from './types.ts';
export { type VerifyOptions, verifyWebhook, WebhookVerificationError, type WebhookVerificationReason } from './verify-webhook.ts';
