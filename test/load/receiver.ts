import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnTypeScript, waitForMessage } from './child-process.ts';
import { now, sleep } from './clock.ts';
import type { ReceiverCommand, ReceiverMessage } from './receiver-process.ts';

export type EndpointMode = 'ok' | 'fail' | 'hang';

/** The arrivals under one path prefix: one scenario phase's endpoints. */
export class Tracker {
  /** Every request, repeats included. */
  requests = 0;
  /** First arrival of each (endpoint path, webhook-id): a delivery. */
  readonly firstArrival = new Map<string, number>();

  constructor(readonly prefix: string) {}

  get delivered(): number {
    return this.firstArrival.size;
  }

  /** Requests beyond the first for the same delivery (at-least-once: allowed, but counted). */
  get duplicates(): number {
    return this.requests - this.firstArrival.size;
  }

  arrivalOf(path: string, webhookId: string): number | undefined {
    return this.firstArrival.get(`${path} ${webhookId}`);
  }

  /** Deliveries whose first arrival falls in [from, to). */
  deliveredBetween(from: number, to: number): number {
    let n = 0;
    for (const t of this.firstArrival.values()) if (t >= from && t < to) n++;
    return n;
  }

  lastArrival(): number | null {
    let last: number | null = null;
    for (const t of this.firstArrival.values()) if (last === null || t > last) last = t;
    return last;
  }

  add(path: string, webhookId: string, at: number): void {
    this.requests++;
    const key = `${path} ${webhookId}`;
    if (!this.firstArrival.has(key)) this.firstArrival.set(key, at);
  }
}

/** The parent's handle on the receiver process: endpoint URLs, arrivals as they come, the clock check. */
export class Receiver {
  private readonly trackers: Tracker[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly goodOrigin: string,
    readonly badOrigin: string,
  ) {
    child.on('message', (message: ReceiverMessage) => {
      if (message.type !== 'arrivals') return;
      const items = message.items;
      for (let i = 0; i < items.length; i += 3) {
        const path = items[i] as string;
        for (const tracker of this.trackers) {
          if (path.startsWith(tracker.prefix)) tracker.add(path, items[i + 1] as string, items[i + 2] as number);
        }
      }
    });
  }

  /** `okDelayMs`: how long healthy endpoints take to answer (their arrival is recorded at once). */
  static async start(okDelayMs = 0): Promise<Receiver> {
    const child = spawnTypeScript(fileURLToPath(new URL('./receiver-process.ts', import.meta.url)), {
      args: [String(okDelayMs)],
    });
    const ready = await waitForMessage(child, (m: ReceiverMessage) => (m.type === 'ready' ? m : undefined), 'The receiver');
    return new Receiver(child, `http://127.0.0.1:${ready.goodPort}`, `http://127.0.0.1:${ready.badPort}`);
  }

  get pid(): number | null {
    return this.child.exitCode === null ? (this.child.pid ?? null) : null;
  }

  /** `/ok/<group>/<index>` on the healthy origin; failing and hanging endpoints on the other one. */
  path(mode: EndpointMode, group: string, index: number): string {
    return `/${mode}/${group}/${index}`;
  }

  url(mode: EndpointMode, group: string, index: number): string {
    return `${mode === 'ok' ? this.goodOrigin : this.badOrigin}${this.path(mode, group, index)}`;
  }

  track(prefix: string): Tracker {
    const tracker = new Tracker(prefix);
    this.trackers.push(tracker);
    return tracker;
  }

  untrack(tracker: Tracker): void {
    this.trackers.splice(this.trackers.indexOf(tracker), 1);
  }

  /**
   * How far the receiver's clock is from ours (ms; positive = ahead), from the IPC round trip with the
   * smallest delay. Both read the same system clock, so this should be ~0: it is a check, not a correction.
   */
  async clockOffsetMs(rounds = 20): Promise<number> {
    let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
    for (let i = 0; i < rounds; i++) {
      const sentAt = now();
      const reply = waitForMessage(
        this.child,
        (m: ReceiverMessage) => (m.type === 'clock' && m.sentAt === sentAt ? m : undefined),
        'The receiver',
      );
      this.child.send({ type: 'clock', sentAt } satisfies ReceiverCommand);
      const { receiverAt } = await reply;
      const back = now();
      if (back - sentAt < best.rtt) best = { rtt: back - sentAt, offset: receiverAt - (sentAt + back) / 2 };
      await sleep(5);
    }
    return best.offset;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'close' } satisfies ReceiverCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Waits until `tracker` holds `count` deliveries, or `timeoutMs` passes; true when they all came. */
export async function waitForDeliveries(
  tracker: Tracker,
  count: number,
  timeoutMs: number,
  onTick?: () => void,
): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (tracker.delivered < count) {
    if (now() > deadline) return false;
    onTick?.();
    await sleep(20);
  }
  return true;
}
