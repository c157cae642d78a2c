import { describe, expect, it } from 'vitest';
import { formatDuration, formatGrace, formatRate, prettyBody } from './format.ts';

describe('formatRate', () => {
  it('shows a dash when nothing finished, and never rounds a near-perfect rate up to 100 %', () => {
    expect(formatRate(null)).toBe('–');
    expect(formatRate(1)).toBe('100 %');
    expect(formatRate(0.9996)).toBe('>99.9 %');
    expect(formatRate(0.5)).toBe('50.0 %');
    expect(formatRate(0)).toBe('0 %');
  });
});

describe('formatDuration', () => {
  it('reads milliseconds, seconds and minutes', () => {
    expect(formatDuration(840.4)).toBe('840 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(null)).toBe('–');
  });
});

describe('formatGrace', () => {
  it('names whole units', () => {
    expect(formatGrace(0)).toBe('immediately');
    expect(formatGrace(3600)).toBe('1 hour');
    expect(formatGrace(7 * 86_400)).toBe('7 days');
  });
});

describe('prettyBody', () => {
  it('pretty-prints JSON objects and leaves other text as it is', () => {
    expect(prettyBody('{"ok":true}')).toEqual({ text: '{\n  "ok": true\n}', json: { ok: true }, isJson: true });
    expect(prettyBody('ok')).toEqual({ text: 'ok', json: undefined, isJson: false });
    expect(prettyBody('42').isJson).toBe(false);
    expect(prettyBody(null).text).toBe('');
  });
});
