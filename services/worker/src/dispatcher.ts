import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type AttemptOutcomeRecord,
  attemptDeliveries,
  claimFirstAttempts,
  DELIVERIES_CHANNEL,
  type DeliveryEngine,
  deliveriesAwaitingHandoff,
  type Logger,
  markHandedOff,
} from '@acme/core';
import type { WorkflowHandoff } from './workflow-handoff.ts';

export interface DispatcherOptions {
  batchSize: number;
  leaseMs: number;
  /** Fallback when a NOTIFY is missed (listener reconnecting) and for rows whose lease expired. */
  pollIntervalMs: number;
  handoffSweepIntervalMs: number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
  batchSize: 100,
  leaseMs: 60_000,
  pollIntervalMs: 1000,
  handoffSweepIntervalMs: 5000,
};

/**
 * The fast path: wakes on NOTIFY from publishes (polling as a fallback), claims due first
 * attempts, sends them, records them, and hands whatever needs a retry to the endpoint's workflow.
 */
export class Dispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopped = false;
  private draining: Promise<void> | null = null;
  private wakeAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly engine: DeliveryEngine,
    private readonly handoff: WorkflowHandoff,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions = defaultDispatcherOptions,
  ) {}

  async start(): Promise<void> {
    const listener = await this.engine.database.sql.listen(
      DELIVERIES_CHANNEL,
      () => this.wake(),
      () => this.wake(),
    );
    this.unlisten = listener.unlisten;
    this.timers.push(setInterval(() => this.wake(), this.options.pollIntervalMs));
    this.timers.push(setInterval(() => void this.sweepHandoffs(), this.options.handoffSweepIntervalMs));
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.unlisten?.().catch(() => {});
    await this.draining;
  }

  /** Runs one drain at a time; a wake during a drain schedules one more pass instead of a second drain. */
  private wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.wakeAgain = true;
      return;
    }
    this.draining = this.drain()
      .catch((err) => this.logger.error({ err }, 'dispatch failed'))
      .finally(() => {
        this.draining = null;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const batch = await claimFirstAttempts(this.engine.database.sql, {
        owner: this.owner,
        limit: this.options.batchSize,
        leaseMs: this.options.leaseMs,
      });
      if (batch.length === 0) return;
      const outcomes = await attemptDeliveries(this.engine, batch, 'FAST');
      await this.handOver(outcomes);
      if (batch.length < this.options.batchSize) return;
    }
  }

  private async handOver(outcomes: readonly AttemptOutcomeRecord[]): Promise<void> {
    const byEndpoint = new Map<string, string[]>();
    for (const o of outcomes) {
      if (o.status === 'RETRY_SCHEDULED') byEndpoint.set(o.endpointId, [...(byEndpoint.get(o.endpointId) ?? []), o.deliveryId]);
    }
    await Promise.all([...byEndpoint].map(([endpointId, ids]) => this.handOverEndpoint(endpointId, ids)));
  }

  /** A failed hand-off is left to the sweep: the retry is already safe in Postgres, marked not handed off. */
  private async handOverEndpoint(endpointId: string, deliveryIds: string[]): Promise<void> {
    try {
      await this.handoff(endpointId);
      await markHandedOff(this.engine.database.db, deliveryIds);
    } catch (err) {
      this.logger.warn({ err, endpointId }, 'could not hand retries to the endpoint workflow; will try again');
    }
  }

  private async sweepHandoffs(): Promise<void> {
    if (this.stopped) return;
    try {
      const pending = await deliveriesAwaitingHandoff(this.engine.database.sql, 1000);
      await Promise.all([...pending].map(([endpointId, ids]) => this.handOverEndpoint(endpointId, ids)));
    } catch (err) {
      this.logger.warn({ err }, 'hand-off sweep failed');
    }
  }
}
