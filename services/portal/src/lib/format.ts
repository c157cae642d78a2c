// How numbers and times read in the portal. Pure functions, unit-tested.

/** 0.9734 → "97.3 %"; null (nothing finished) → "–". */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '–';
  const percent = rate * 100;
  // 99.96 % must not round up to a perfect-looking 100 %.
  const text = percent > 99.9 && percent < 100 ? '>99.9' : percent.toFixed(percent === 100 || percent === 0 ? 0 : 1);
  return `${text} %`;
}

/** Milliseconds as people read them: "840 ms", "1.2 s", "2 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Seconds as a grace period reads: 0 → "immediately", 3600 → "1 hour", 86400 → "1 day". */
export function formatGrace(seconds: number): string {
  if (seconds <= 0) return 'immediately';
  const units: [number, string][] = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

/** A body for display: pretty-printed when it is JSON, as it is otherwise. */
export function prettyBody(body: string | null | undefined): { text: string; json: unknown; isJson: boolean } {
  if (body === null || body === undefined || body === '') return { text: '', json: undefined, isJson: false };
  try {
    const json: unknown = JSON.parse(body);
    if (json !== null && typeof json === 'object') return { text: JSON.stringify(json, null, 2), json, isJson: true };
  } catch {
    // not JSON: shown as text
  }
  return { text: body, json: undefined, isJson: false };
}
