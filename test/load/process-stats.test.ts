import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleGroup } from './process-stats.ts';

// A parent that keeps starting children which burn ~20 ms of CPU and exit, as Postgres's backends
// and autovacuum workers come and go: each exit moves the child's CPU into the parent's child ticks.
const churn = `
const { spawn } = require('node:child_process');
const burn = "const t = Date.now(); while (Date.now() - t < 20) {}";
const next = () => spawn(process.execPath, ['-e', burn]).once('exit', next);
for (let i = 0; i < 2; i++) next();
setInterval(() => {}, 1000);
`;

let parent: ChildProcess;

beforeAll(() => {
  parent = spawn(process.execPath, ['-e', churn], { stdio: 'ignore' });
});

afterAll(() => {
  parent.kill('SIGKILL');
});

describe('sampleGroup', () => {
  it('never loses nor counts twice the CPU of a child reaped while it reads the group', async () => {
    const group = { name: 'churn', pid: () => parent.pid ?? null, withChildren: true };
    let previous = 0;
    const drops: string[] = [];
    const deadline = Date.now() + 4000;
    while (Date.now() < deadline) {
      const sample = await sampleGroup(group);
      if (!sample) continue;
      // CPU used so far can only grow: a reading below the last lost a child's ticks, or the last counted some twice.
      if (sample.cpuSeconds < previous) drops.push(`${previous} -> ${sample.cpuSeconds}`);
      previous = Math.max(previous, sample.cpuSeconds);
    }
    expect(previous).toBeGreaterThan(0.5);
    expect(drops).toEqual([]);
  });
});
