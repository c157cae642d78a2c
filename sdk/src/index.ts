export { type VerifyOptions, verifyWebhook, WebhookVerificationError } from './verify-webhook.ts';
