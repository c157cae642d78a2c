import cliProgress from 'cli-progress';

export interface PhaseProgress {
  /** Seconds elapsed of the phase, and the live counters shown beside the bar. */
  update(elapsedSeconds: number, counters: { published: number; delivered: number; note?: string }): void;
  stop(): void;
}

/**
 * A bar per phase on stderr (only on a terminal), with log lines printed above it. Elsewhere
 * (CI, a pipe, the smoke test) only the log lines, so a log file stays readable.
 */
export class Progress {
  private readonly bars: cliProgress.MultiBar | null;

  constructor(
    enabled: boolean,
    private readonly write: (line: string) => void,
  ) {
    this.bars =
      enabled && process.stderr.isTTY
        ? new cliProgress.MultiBar(
            {
              format: '{phase} |{bar}| {value}/{total} s | published {published} | delivered {delivered} | {rate}/s {note}',
              barsize: 24,
              hideCursor: true,
              clearOnComplete: false,
              stream: process.stderr,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
  }

  log(line: string): void {
    if (this.bars) this.bars.log(`${line}\n`);
    else this.write(line);
  }

  phase(name: string, totalSeconds: number): PhaseProgress {
    const bars = this.bars;
    if (!bars) return { update() {}, stop() {} };
    const bar = bars.create(Math.max(1, Math.round(totalSeconds)), 0, {
      phase: name.padEnd(22),
      published: 0,
      delivered: 0,
      rate: 0,
      note: '',
    });
    let last = { t: performance.now(), delivered: 0 };
    let rate = 0;
    return {
      update(elapsed, counters) {
        const t = performance.now();
        if (t - last.t >= 1000) {
          rate = Math.round(((counters.delivered - last.delivered) * 1000) / Math.max(1, t - last.t));
          last = { t, delivered: counters.delivered };
        }
        bar.update(Math.min(bar.getTotal(), Math.round(elapsed)), {
          published: counters.published,
          delivered: counters.delivered,
          rate,
          note: counters.note ?? '',
        });
      },
      stop() {
        bar.stop();
      },
    };
  }

  stop(): void {
    this.bars?.stop();
  }
}
