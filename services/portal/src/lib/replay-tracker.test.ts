import { describe, expect, it } from 'vitest';
import { ReplayTracker } from './replay-tracker.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `dlv_${String(i).padStart(4, '0')}`);

describe('ReplayTracker', () => {
  it('reads a large replay a few batches per poll, round robin, until every delivery was read', () => {
    const tracker = new ReplayTracker(ids(1200));
    const first = tracker.nextBatches(5, 100);
    expect(first.map((b) => b.length)).toEqual([100, 100, 100, 100, 100]);
    expect(first[0]![0]).toBe('dlv_0000');
    tracker.record(first.flat(), []);
    // Nothing came back: those are gone, not followed again.
    expect(tracker.counts()).toMatchObject({ total: 1200, pending: 700, gone: 500, seen: 500 });
    const second = tracker.nextBatches(5, 100);
    expect(second.flat()[0]).toBe('dlv_0500');
    tracker.record(
      second.flat(),
      second.flat().map((id) => ({ id, status: 'PENDING' as const })),
    );
    const third = tracker.nextBatches(5, 100);
    // 200 left before wrapping to the start of what is still pending.
    expect(third.flat().slice(0, 200)).toEqual(ids(1200).slice(1000, 1200));
    expect(third.flat()[200]).toBe('dlv_0500');
  });

  it('counts succeeded and failed-again deliveries, and stops following finished ones', () => {
    const all = ids(5);
    const tracker = new ReplayTracker(all);
    const [batch] = tracker.nextBatches(1, 10);
    expect(batch).toEqual(all);
    tracker.record(batch!, [
      { id: all[0]!, status: 'SUCCEEDED' },
      { id: all[1]!, status: 'DEAD_LETTERED' },
      { id: all[2]!, status: 'CANCELLED' },
      { id: all[3]!, status: 'PENDING' },
      { id: all[4]!, status: 'PENDING' },
    ]);
    expect(tracker.counts()).toEqual({ total: 5, succeeded: 1, failed: 2, pending: 2, gone: 0, seen: 5 });
    expect(tracker.nextBatches(1, 10)).toEqual([[all[3], all[4]]]);
    tracker.record(
      [all[3]!, all[4]!],
      [
        { id: all[3]!, status: 'SUCCEEDED' },
        { id: all[4]!, status: 'SUCCEEDED' },
      ],
    );
    expect(tracker.counts()).toMatchObject({ succeeded: 3, pending: 0 });
    expect(tracker.nextBatches()).toEqual([]);
  });

  it('keeps its place when deliveries before the cursor finish', () => {
    const all = ids(6);
    const tracker = new ReplayTracker(all);
    const first = tracker.nextBatches(1, 4).flat();
    tracker.record(first, [
      { id: all[0]!, status: 'SUCCEEDED' },
      { id: all[1]!, status: 'PENDING' },
      { id: all[2]!, status: 'SUCCEEDED' },
      { id: all[3]!, status: 'PENDING' },
    ]);
    // Next come the two never read, then the start again.
    expect(tracker.nextBatches(1, 3).flat()).toEqual([all[4], all[5], all[1]]);
  });

  it('follows each id once even when given twice, and is done at once with none', () => {
    expect(new ReplayTracker(['a', 'a', 'b']).counts().total).toBe(2);
    const none = new ReplayTracker([]);
    expect(none.nextBatches()).toEqual([]);
    expect(none.counts()).toEqual({ total: 0, succeeded: 0, failed: 0, pending: 0, gone: 0, seen: 0 });
  });
});
