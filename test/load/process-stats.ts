import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

// Per-process CPU and memory from /proc (Linux), so the cost of each part of the gateway shows
// separately: API, worker, every Postgres process, the Temporal server, and our own load tools.
// Read asynchronously (libuv's thread pool): walking a big process's smaps takes milliseconds that
// must not stall the load generator's clock.

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcessSample {
  /** CPU seconds used so far (user + system), including reaped children for a group's root. */
  cpuSeconds: number;
  rssMb: number;
  /** Proportional set size: shared pages (Postgres's shared buffers) split between the processes that map them. */
  pssMb: number | null;
  /** Peak resident set size (VmHWM) of the group's root process since it started. */
  peakRssMb: number;
  processes: number;
}

/** A named set of processes: one pid, or a root pid and all its children (Postgres's backends). */
export interface ProcessGroup {
  name: string;
  pid: () => number | null;
  withChildren?: boolean;
}

interface StatFields {
  ppid: number;
  ownTicks: number;
  childTicks: number;
}

async function readStat(pid: number): Promise<StatFields | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      ownTicks: Number(fields[11]) + Number(fields[12]),
      childTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null;
  }
}

async function memoryKb(pid: number): Promise<{ rss: number; hwm: number }> {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(text.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

async function pssKb(pid: number): Promise<number | null> {
  try {
    const match = (await readFile(`/proc/${pid}/smaps_rollup`, 'utf8')).match(/^Pss:\s+(\d+) kB/m);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

async function childrenOf(pid: number): Promise<number[]> {
  try {
    const out: number[] = [];
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const text = (await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8')).trim();
      if (text) out.push(...text.split(' ').map(Number));
    }
    return out;
  } catch {
    // Kernels without /proc/<pid>/task/<tid>/children: scan every process for its parent.
    const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
    const stats = await Promise.all(pids.map(readStat));
    return pids.filter((_, i) => stats[i]?.ppid === pid);
  }
}

/**
 * One reading of a group; null when its process is not running. A child that is reaped while the
 * group is read has its CPU in its own reading and then in the root's child ticks, or in neither,
 * depending on the order: such a reading is taken again. (Postgres's backends come and go: the
 * benchmark's own connections, autovacuum workers. One lost at the end of the floor's window once
 * took most of its Postgres CPU with it.)
 */
export async function sampleGroup(group: ProcessGroup): Promise<ProcessSample | null> {
  const root = group.pid();
  if (!root) return null;
  for (let attempt = 1; ; attempt++) {
    const children = group.withChildren ? await childrenOf(root) : [];
    const reading = await readGroup(group, root, children);
    if (!reading || children.length === 0 || attempt === 20) return reading;
    const now = new Set(await childrenOf(root));
    if (children.every((pid) => now.has(pid))) return reading;
  }
}

async function readGroup(group: ProcessGroup, root: number, children: number[]): Promise<ProcessSample | null> {
  const pids = [root, ...children];
  const readings = await Promise.all(
    pids.map(async (pid) => ({
      // The root last: its child ticks then include every child reaped before its own reading.
      stat: pid === root ? null : await readStat(pid),
      memory: await memoryKb(pid),
      // PSS only where pages are shared between the group's processes (Postgres's shared buffers).
      pss: group.withChildren ? await pssKb(pid) : null,
    })),
  );
  const rootStat = await readStat(root);
  if (!rootStat) return null;
  readings[0]!.stat = rootStat;
  // Children that exited were reaped by the root: their CPU moved into its child ticks.
  let ticks = group.withChildren ? rootStat.childTicks : 0;
  let rssKb = 0;
  let pss: number | null = group.withChildren ? 0 : null;
  for (const r of readings) {
    if (!r.stat) continue;
    ticks += r.stat.ownTicks;
    rssKb += r.memory.rss;
    pss = pss === null || r.pss === null ? null : pss + r.pss;
  }
  return {
    cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND,
    rssMb: rssKb / 1024,
    pssMb: pss === null ? null : pss / 1024,
    peakRssMb: (readings[0]?.memory.hwm ?? 0) / 1024,
    processes: pids.length,
  };
}

export type Snapshot = Record<string, ProcessSample | null>;

export interface PeakMemory {
  /** Largest VmHWM seen for the group's root (over every incarnation, e.g. a restarted worker). */
  peakRssMb: number;
  /** Largest sum of RSS over the group's processes at one sampling instant. */
  peakGroupRssMb: number;
  /** Largest sum of PSS at one instant (null when /proc/<pid>/smaps_rollup is unreadable). */
  peakGroupPssMb: number | null;
}

/**
 * Samples every group once a second (and whenever asked), keeping the peaks: VmHWM catches the
 * true peak of one process; the sums catch a group's peak to within a sampling interval.
 */
export class ProcessSampler {
  private timer: NodeJS.Timeout | null = null;
  readonly peaks = new Map<string, PeakMemory>();

  constructor(private readonly groups: ProcessGroup[]) {}

  start(intervalMs = 1000): void {
    void this.snapshot();
    this.timer = setInterval(() => void this.snapshot(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.snapshot();
  }

  async snapshot(): Promise<Snapshot> {
    const samples = await Promise.all(this.groups.map(sampleGroup));
    const out: Snapshot = {};
    this.groups.forEach((group, i) => {
      const sample = samples[i] ?? null;
      out[group.name] = sample;
      if (!sample) return;
      const peak = this.peaks.get(group.name) ?? { peakRssMb: 0, peakGroupRssMb: 0, peakGroupPssMb: null };
      peak.peakRssMb = Math.max(peak.peakRssMb, sample.peakRssMb);
      peak.peakGroupRssMb = Math.max(peak.peakGroupRssMb, sample.rssMb);
      if (sample.pssMb !== null) peak.peakGroupPssMb = Math.max(peak.peakGroupPssMb ?? 0, sample.pssMb);
      this.peaks.set(group.name, peak);
    });
    return out;
  }
}

/** CPU seconds each group used between two snapshots (null when a group restarted or was absent). */
export function cpuBetween(before: Snapshot, after: Snapshot): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [name, a] of Object.entries(after)) {
    const b = before[name];
    out[name] = a && b && a.cpuSeconds >= b.cpuSeconds ? a.cpuSeconds - b.cpuSeconds : null;
  }
  return out;
}
