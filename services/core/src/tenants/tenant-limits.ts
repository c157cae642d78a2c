import { z } from 'zod';
import type { TenantLimitOverrides } from '../auth/principal.ts';
import { MAX_PAYLOAD_CEILING } from '../config.ts';

export interface TenantLimits {
  publishRatePerSecond: number;
  publishBurst: number;
  maxPayloadBytes: number;
}

/** The operator's limits for one tenant; null puts a limit back to the gateway default. */
export const tenantLimitsInput = z
  .object({
    publishRatePerSecond: z.number().int().min(1).max(1_000_000).nullish(),
    publishBurst: z.number().int().min(1).max(1_000_000).nullish(),
    maxPayloadBytes: z.number().int().min(1024).max(MAX_PAYLOAD_CEILING).nullish(),
  })
  .nullish();

/** The limits in force: the tenant's own where set, else the gateway's defaults. */
export function effectiveLimits(defaults: TenantLimits, overrides: TenantLimitOverrides): TenantLimits {
  return {
    publishRatePerSecond: overrides.publishRatePerSecond ?? defaults.publishRatePerSecond,
    publishBurst: overrides.publishBurst ?? defaults.publishBurst,
    maxPayloadBytes: overrides.maxPayloadBytes ?? defaults.maxPayloadBytes,
  };
}

/** Column values for the limits given: undefined leaves a column as it is. */
export function limitColumns(limits: z.output<typeof tenantLimitsInput>) {
  if (!limits) return {};
  return {
    ...(limits.publishRatePerSecond !== undefined && { publishRatePerSecond: limits.publishRatePerSecond }),
    ...(limits.publishBurst !== undefined && { publishBurst: limits.publishBurst }),
    ...(limits.maxPayloadBytes !== undefined && { maxPayloadBytes: limits.maxPayloadBytes }),
  };
}
