import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type AttemptOutcomeRecord,
  CLAIM_SESSION_SETTINGS,
  claimFirstAttempts,
  connectDatabase,
  type Database,
  DELIVERIES_CHANNEL,
  type DeliveryEngine,
  DispatcherLiveness,
  type DueDelivery,
  deliveriesAwaitingHandoff,
  endpointsWithOverdueRetries,
  type Logger,
  openSecretsByEndpoint,
  parseEndpointNotice,
  recordAttempts,
  releaseClaims,
  type SentAttempt,
  sendDelivery,
  settledBy,
} from '@acme/core';
import { handOverDeliveries, type WorkflowHandoff } from './workflow-handoff.ts';

export interface DispatcherOptions {
  /** Rows per claim. */
  batchSize: number;
  /** Attempts in flight at once in this process, across all endpoints. */
  maxInFlight: number;
  /** Attempts in flight at once to one endpoint: a claim takes no more than makes it up to this. */
  perEndpointLimit: number;
  leaseMs: number;
  /** Fallback when a NOTIFY is missed (listener reconnecting) and for rows whose lease expired. */
  pollIntervalMs: number;
  handoffSweepIntervalMs: number;
  /**
   * The sweep also signals (with start) the workflow of an endpoint whose handed-off retries are this
   * overdue: it is gone. Longer than a busy workflow's usual lag, so a live one is rarely woken for nothing.
   */
  handoffOverdueGraceMs: number;
  /**
   * A killed dispatcher's claimed rows are taken back by the others once claimed this long ago
   * (its liveness lock is gone), instead of after `leaseMs`.
   */
  deadOwnerGraceMs: number;
  /** An endpoint whose signing secrets do not open is left out of this dispatcher's claims this long. */
  unopenedSecretsBackoffMs: number;
}

export interface StopResult {
  /** Every attempt in flight finished and was recorded before the deadline. */
  drained: boolean;
  /** Claims given back for other dispatchers to take at once. */
  released: number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
  batchSize: 100,
  maxInFlight: 500,
  perEndpointLimit: 20,
  leaseMs: 75_000,
  pollIntervalMs: 1000,
  handoffSweepIntervalMs: 5000,
  handoffOverdueGraceMs: 60_000,
  deadOwnerGraceMs: 3000,
  unopenedSecretsBackoffMs: 30_000,
};

/**
 * The fast path. Wakes on NOTIFY from publishes (polling as a fallback), claims due first
 * attempts, and sends each as soon as it is claimed; results are written in batches as they
 * come back, and whatever needs a retry is handed to its endpoint's workflow. Claims never wait
 * for a batch to finish, so a slow or dead endpoint holds only its own slots, never another's.
 */
export class Dispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly options: DispatcherOptions;
  private stopped = false;
  private claiming = false;
  private claimAgain = false;
  /**
   * Whether a slot freeing up should start a claim: `any` when the last claim found no room at all,
   * `excluded` when it left out endpoints at their cap (only their slots matter), null when it found
   * everything that was due.
   */
  private claimOnFreeSlot: 'any' | 'excluded' | null = null;
  /** The endpoints the claim in flight (or the last one) left out for being at their cap. */
  private excluded = new Set<string>();
  /**
   * A claim failed (its connection dropped, say): it may have committed without its answer arriving,
   * leaving rows leased to this dispatcher that it does not know of. The next claim then looks for
   * them (ClaimOptions.holding); only then: checking every in-flight row against every held id made
   * each claim O(in flight²) (measured at saturation: 0.26 against 0.24 ms of Postgres time per row).
   */
  private claimMayBeLost = false;
  /** Endpoints whose signing secrets did not open, left out of claims until then (epoch ms). */
  private readonly unopened = new Map<string, number>();
  private sweeping = false;
  private inFlight = 0;
  private readonly inFlightByEndpoint = new Map<string, number>();
  private results: SentAttempt[] = [];
  private writeQueued = false;
  private lastOverdueSweep = 0;
  private writes: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<unknown>>();
  private timers: NodeJS.Timeout[] = [];
  private unlisten: (() => Promise<void>) | null = null;
  /**
   * Rows this dispatcher claimed whose result is not written yet (what a stop must give back), with
   * when the claim that took them started: their lease runs out leaseMs later, at the earliest.
   */
  private readonly claimed = new Map<string, number>();
  /** Of those, the rows being written right now: their write clears the lease itself. */
  private readonly writing = new Set<string>();
  /** Past the stop deadline: results still coming back are not written (their rows were released). */
  private abandoned = false;
  private stopDeadline = Number.POSITIVE_INFINITY;
  private readonly liveness: DispatcherLiveness;
  /** Claims run in a session of their own, planned for the claim (CLAIM_SESSION_SETTINGS); one at a time. */
  private readonly claims: Database;

  constructor(
    private readonly engine: DeliveryEngine,
    private readonly handoff: WorkflowHandoff,
    private readonly logger: Logger,
    options: Partial<DispatcherOptions> = {},
  ) {
    this.options = { ...defaultDispatcherOptions, ...options };
    this.liveness = new DispatcherLiveness(engine.database.url, this.owner);
    this.claims = connectDatabase(engine.database.url, { max: 1, settings: CLAIM_SESSION_SETTINGS });
  }

  async start(): Promise<void> {
    // Alive to the other dispatchers before the first claim, so none takes what this one claims.
    await this.liveness.ensure();
    const listener = await this.engine.database.sql.listen(
      DELIVERIES_CHANNEL,
      (payload) => this.onNotice(payload),
      () => this.wake(),
    );
    this.unlisten = listener.unlisten;
    this.timers.push(
      setInterval(() => {
        void this.liveness.ensure().then(() => this.wake());
      }, this.options.pollIntervalMs),
    );
    this.timers.push(setInterval(() => this.track(this.sweepHandoffs()), this.options.handoffSweepIntervalMs));
    this.wake();
  }

  /**
   * Stops claiming at once; attempts in flight finish and are recorded until `deadline`; then every
   * claim whose result is not written is released, so another dispatcher takes it at once rather
   * than after the lease. Past the deadline, `onTimeout` runs first (the worker aborts the requests
   * still in flight) and their results are dropped: those deliveries are sent again, same webhook-id.
   */
  async stop(options: { deadline?: number; onTimeout?: () => Promise<void> } = {}): Promise<StopResult> {
    this.stopped = true;
    this.stopDeadline = options.deadline ?? Number.POSITIVE_INFINITY;
    for (const timer of this.timers) clearInterval(timer);
    await this.unlisten?.().catch(() => {});
    const drained = await settledBy(this.drain(), this.stopDeadline);
    const inFlight = this.inFlight;
    if (!drained) {
      this.abandoned = true;
      await options.onTimeout?.().catch((err) => this.logger.warn({ err }, 'could not abort the attempts in flight'));
    }
    const released = await this.releaseClaims();
    // Only now: while it was held, no other dispatcher took back what this one still had claimed.
    await this.liveness.release();
    await this.claims.close();
    this.logger.info({ drained, inFlight: drained ? 0 : inFlight, released }, 'dispatcher stopped');
    return { drained, released };
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.writes;
  }

  private async releaseClaims(): Promise<number> {
    const ids = [...this.claimed.keys()].filter((id) => !this.writing.has(id));
    try {
      return await releaseClaims(this.engine.database.sql, this.owner, ids);
    } catch (err) {
      this.logger.warn({ err, count: ids.length }, 'could not release claims; they return when their lease runs out');
      return 0;
    }
  }

  /** One claim loop at a time; a wake during it asks for one more pass. */
  private wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = true;
    this.track(
      this.claimLoop()
        .catch((err) => {
          this.claimMayBeLost = true;
          this.logger.error({ err }, 'claiming first attempts failed');
        })
        .finally(() => {
          this.claiming = false;
          if (this.claimAgain) {
            this.claimAgain = false;
            this.wake();
          }
        }),
    );
  }

  /**
   * Claims until a claim says nothing more is due. Wakes come from publishes (NOTIFY), the poll, and
   * slots freeing up, but only while a claim left work behind for lack of them: a finished attempt
   * does not cost a claim that would find nothing.
   */
  private async claimLoop(): Promise<void> {
    this.claimOnFreeSlot = null;
    // Without its liveness lock (its connection lost) another dispatcher could take what this one
    // sends: wait for the poll to take it again.
    if (!this.liveness.held) return;
    this.forgetExpiredClaims();
    while (!this.stopped) {
      const room = Math.min(this.options.batchSize, this.options.maxInFlight - this.inFlight);
      if (room <= 0) {
        this.claimOnFreeSlot = 'any';
        return;
      }
      const saturated = [...this.inFlightByEndpoint].filter(([, n]) => n >= this.options.perEndpointLimit).map(([id]) => id);
      this.excluded = new Set(saturated);
      const claimedAt = Date.now();
      for (const [id, until] of this.unopened) if (until <= claimedAt) this.unopened.delete(id);
      const batch = await claimFirstAttempts(this.claims.sql, {
        owner: this.owner,
        limit: room,
        leaseMs: this.options.leaseMs,
        perEndpointLimit: this.options.perEndpointLimit,
        inFlight: this.inFlightByEndpoint,
        excludeEndpoints: [...this.unopened.keys()],
        deadOwnerGraceMs: this.options.deadOwnerGraceMs,
        holding: this.claimMayBeLost ? [...this.claimed.keys()] : undefined,
      });
      this.claimMayBeLost = false;
      for (const d of batch) this.engine.metrics.claimLagSeconds.observe(d.overdueMs / 1000);
      if (batch.length > 0) this.launch(batch, claimedAt);
      // A full batch may have left more behind. So may one that took an endpoint to its cap: it is
      // left out of the next claim, which then reaches other endpoints' deliveries.
      const capped = batch.some((d) => (this.inFlightByEndpoint.get(d.endpoint.id) ?? 0) >= this.options.perEndpointLimit);
      if (batch.length === room || capped) continue;
      // Endpoints left out for being at their cap may have more due: claim again when one of theirs frees up.
      this.claimOnFreeSlot = saturated.length > 0 ? 'excluded' : null;
      return;
    }
  }

  /**
   * A claim whose write was given up (refused for good, or still failing when its lease ran out) is
   * no longer this dispatcher's once its lease is over: another may have taken the row. Forgotten
   * then, so the list of rows it holds does not grow with every database outage.
   */
  private forgetExpiredClaims(): void {
    const cutoff = Date.now() - this.options.leaseMs;
    for (const [id, claimedAt] of this.claimed) if (claimedAt < cutoff && !this.writing.has(id)) this.claimed.delete(id);
  }

  /** A slot freed up: claim again if the last claim (or the one in flight) left work behind for lack of one. */
  private slotFreed(endpointId: string): void {
    const mattered =
      this.claimOnFreeSlot === 'any' || ((this.claimOnFreeSlot === 'excluded' || this.claiming) && this.excluded.has(endpointId));
    if (mattered) this.wake();
  }

  private launch(batch: DueDelivery[], claimedAt: number): void {
    for (const d of batch) {
      this.claimed.set(d.id, claimedAt);
      this.inFlight++;
      this.adjustEndpoint(d.endpoint.id, +1);
    }
    const { secrets, unopened } = openSecretsByEndpoint(this.engine, batch);
    for (const [endpointId, err] of unopened) {
      this.unopened.set(endpointId, Date.now() + this.options.unopenedSecretsBackoffMs);
      this.logger.error(
        { err, endpointId, retryInMs: this.options.unopenedSecretsBackoffMs },
        'signing secrets of an endpoint do not open: its deliveries are given back, unsent',
      );
    }
    const unsent: string[] = [];
    for (const delivery of batch) {
      const signing = secrets.get(delivery.endpoint.id);
      if (!signing) {
        // Never sent unsigned: given back, for a dispatcher whose keys open them (one already deployed
        // with the missing key), or for this one once the endpoint is back in its claims.
        unsent.push(delivery.id);
        this.claimed.delete(delivery.id);
        this.inFlight--;
        this.adjustEndpoint(delivery.endpoint.id, -1);
        continue;
      }
      this.track(
        sendDelivery(this.engine, delivery, signing).then((sent) => {
          // A success frees the endpoint's slot now, its row stays leased until written. A failure keeps
          // it until written: by then the endpoint is in recovery, and no more attempts go out to it.
          this.queueResult(sent);
          if (sent.result.outcome === 'SUCCESS') {
            this.adjustEndpoint(delivery.endpoint.id, -1);
            this.slotFreed(delivery.endpoint.id);
          }
        }),
      );
    }
    if (unsent.length > 0)
      this.track(
        releaseClaims(this.engine.database.sql, this.owner, unsent).catch((err) =>
          this.logger.warn(
            { err, count: unsent.length },
            'could not give back unsent claims; they return when their lease runs out',
          ),
        ),
      );
  }

  /**
   * Results are written in batches, one write at a time: what comes back while a write is under way
   * joins the next one. (Taking each tick's results as its own write queued ever smaller writes behind
   * each other under an even load, and every queued result kept its slot until written.)
   */
  private queueResult(sent: SentAttempt): void {
    if (this.abandoned) return;
    this.results.push(sent);
    if (this.writeQueued) return;
    this.writeQueued = true;
    // Tracked from now, not from the write: a stop that sees nothing pending must not miss results queued for it.
    this.writes = this.writes
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        this.writeQueued = false;
        return this.record(this.results.splice(0));
      })
      .catch((err) => this.logger.error({ err }, 'recording attempts failed'));
    this.track(this.writes);
  }

  /**
   * Writes the results, trying again while the database is briefly away (a restart, a failover) for
   * as long as their claims hold: an attempt that was made should be recorded, not made twice. Past
   * the lease (counted from the claim, not from this write) another dispatcher may have claimed and
   * sent them again; then it is that one's write that decides, and this one would only be logged as
   * an outvoted attempt (write-attempts.ts), so this one stops trying.
   */
  private async record(items: SentAttempt[]): Promise<void> {
    for (const { delivery } of items) this.writing.add(delivery.id);
    try {
      await this.write(items);
    } finally {
      for (const { delivery, result } of items) {
        this.writing.delete(delivery.id);
        this.inFlight--;
        if (result.outcome !== 'SUCCESS') this.adjustEndpoint(delivery.endpoint.id, -1);
        // Counted against maxInFlight until written.
        this.slotFreed(delivery.endpoint.id);
      }
    }
  }

  private async write(items: SentAttempt[]): Promise<void> {
    const claimedAt = Math.min(...items.map(({ delivery }) => this.claimed.get(delivery.id) ?? Date.now()));
    const giveUpAt = claimedAt + this.options.leaseMs;
    for (let failures = 0; ; failures++) {
      try {
        const outcomes = await recordAttempts(this.engine, items, 'FAST');
        for (const { delivery } of items) this.claimed.delete(delivery.id);
        this.handOver(outcomes);
        return;
      } catch (err) {
        // Postgres refused the data itself: trying again cannot help, and one bad row must not hold the
        // others (nor, as writes are chained, every later batch). Each is written on its own; the one
        // that still fails is given up at once.
        if (refusedForGood(err)) {
          if (items.length > 1) {
            this.logger.warn({ err, count: items.length }, 'a batch of attempts was refused; writing them one by one');
            for (const item of items) await this.write([item]);
          } else {
            this.logger.error(
              { err, deliveryId: items[0]?.delivery.id },
              'an attempt was refused by the database; it will be sent again after the lease',
            );
          }
          return;
        }
        const backoffMs = Math.min(200 * 2 ** failures, 2000);
        // Stopping, keep trying until the stop's deadline: what is not recorded by then is released and sent again.
        if (Date.now() + backoffMs > Math.min(giveUpAt, this.stopDeadline)) {
          // The rows stay leased: when the lease runs out (or at once, if this dispatcher is stopping and
          // releases them) they are claimed and sent again (same webhook-id).
          this.logger.error({ err, count: items.length }, 'could not record attempts; they will be sent again after the lease');
          return;
        }
        if (failures === 0) this.logger.warn({ err, count: items.length }, 'could not record attempts yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
      }
    }
  }

  private handOver(outcomes: readonly AttemptOutcomeRecord[]): void {
    const retries = outcomes
      .filter((o) => o.status === 'RETRY_SCHEDULED')
      .map((o) => ({ id: o.deliveryId, endpointId: o.endpointId }));
    if (retries.length > 0) this.track(handOverDeliveries(this.handoff, this.engine.database.db, retries, this.logger));
  }

  /** New deliveries (a publish) wake the claim loop; a pause or resume is passed on to the endpoint's workflow. */
  private onNotice(payload: string): void {
    this.wake();
    const notice = parseEndpointNotice(payload);
    if (!notice) return;
    this.track(
      (notice.change === 'pause'
        ? this.handoff(notice.endpointId, 'pause', { start: false })
        : deliveriesAwaitingHandoff(this.engine.database.sql, 1000, notice.endpointId).then((held) =>
            handOverDeliveries(this.handoff, this.engine.database.db, held, this.logger, 'resume'),
          )
      ).catch((err) => this.logger.warn({ err, ...notice }, 'could not tell the endpoint workflow; the sweep will')),
    );
  }

  private async sweepHandoffs(): Promise<void> {
    if (this.stopped || this.sweeping) return;
    this.sweeping = true;
    try {
      const pending = await deliveriesAwaitingHandoff(this.engine.database.sql, 1000);
      await handOverDeliveries(this.handoff, this.engine.database.db, pending, this.logger);
      // Overdue is measured in minutes: looking for it (an index probe per active endpoint) on every
      // 5 s sweep would cost more than it finds.
      if (Date.now() - this.lastOverdueSweep >= this.options.handoffOverdueGraceMs / 2) {
        this.lastOverdueSweep = Date.now();
        const orphaned = await endpointsWithOverdueRetries(this.engine.database.sql, this.options.handoffOverdueGraceMs, 1000);
        if (orphaned.length > 0)
          this.logger.info({ endpoints: orphaned.length }, 'retries overdue: signalling their workflows again');
        await handOverDeliveries(this.handoff, this.engine.database.db, orphaned, this.logger);
      }
    } catch (err) {
      this.logger.warn({ err }, 'hand-off sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private adjustEndpoint(endpointId: string, by: number): void {
    const n = (this.inFlightByEndpoint.get(endpointId) ?? 0) + by;
    if (n > 0) this.inFlightByEndpoint.set(endpointId, n);
    else this.inFlightByEndpoint.delete(endpointId);
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise)).catch(() => {});
  }
}

/**
 * An error Postgres will answer again to the same statement: bad data (22), a broken constraint
 * (23: the delivery was deleted meanwhile, say), a statement it cannot run (42) or a limit (54). Not
 * a lost connection, a shutdown or a deadlock, which a retry gets past.
 */
function refusedForGood(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string' && /^(22|23|42|54)[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}
