import { now, sleep } from './clock.ts';

export interface OpenLoopOptions {
  /** Sends per second, on the clock. */
  rate: number;
  durationMs: number;
  /** Starts send number `i`, due at `scheduledAt`; must not wait for the reply. */
  fire: (i: number, scheduledAt: number) => void;
  onTick?: () => void;
  /** Checked between sends: true ends the loop early (the gateway fell too far behind). */
  abort?: () => boolean;
}

/**
 * Open loop: send i is due at start + i/rate whatever happened to earlier sends, so a slow reply
 * delays no later send and cannot hide in the measurement (no coordinated omission). Latency is
 * taken from the due time; how late the generator itself fired is returned so a busy machine shows.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<{ sent: number; lateMs: number[] }> {
  const interval = 1000 / options.rate;
  const total = Math.floor((options.durationMs * options.rate) / 1000);
  const start = now();
  const lateMs: number[] = [];
  let i = 0;
  while (i < total && !options.abort?.()) {
    const t = now();
    while (i < total && start + i * interval <= t) {
      const due = start + i * interval;
      lateMs.push(t - due);
      options.fire(i, due);
      i++;
    }
    options.onTick?.();
    if (i < total) await sleep(Math.min(Math.max(0, start + i * interval - now()), 10));
  }
  return { sent: i, lateMs };
}

export interface ClosedLoopOptions {
  concurrency: number;
  durationMs: number;
  /** One request, awaited; `i` counts requests across all publishers. */
  send: (i: number) => Promise<void>;
  /** Publishers pause while this is true (backlog bound), so the gateway is saturated without an endless queue. */
  hold?: () => boolean;
  onTick?: () => void;
}

/** Closed loop: `concurrency` publishers, each sending its next request when its last one was answered. */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<{ sent: number }> {
  const end = now() + options.durationMs;
  let i = 0;
  const publisher = async () => {
    while (now() < end) {
      if (options.hold?.()) {
        await sleep(2);
        continue;
      }
      await options.send(i++);
    }
  };
  const ticker = setInterval(() => options.onTick?.(), 200);
  try {
    await Promise.all(Array.from({ length: options.concurrency }, publisher));
  } finally {
    clearInterval(ticker);
  }
  return { sent: i };
}
