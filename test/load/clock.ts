/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one
 * machine: the load generator stamps a publish and the receiver stamps its arrival on this clock.
 */
export const now = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
