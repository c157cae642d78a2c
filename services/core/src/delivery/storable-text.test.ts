import { describe, expect, it } from 'vitest';
import { describeResponseBody, storableHeaders, storableText } from './storable-text.ts';

const body = (bytes: Buffer, extra: Partial<Parameters<typeof describeResponseBody>[0]> = {}) =>
  describeResponseBody({ bytes, truncated: false, contentType: undefined, contentEncoding: undefined, ...extra });

describe('storableText', () => {
  it('replaces NUL and unpaired surrogates, keeps everything else', () => {
    expect(storableText('a\0b\uD800c 😀 é')).toBe('a\uFFFDb\uFFFDc 😀 é');
  });

  it('applies to header names and values', () => {
    expect(storableHeaders({ 'x-a\0': 'v\0' })).toEqual({ 'x-a\uFFFD': 'v\uFFFD' });
  });
});

describe('describeResponseBody', () => {
  it('keeps UTF-8 text as it is', () => {
    expect(body(Buffer.from('{"ok": "é"}'))).toBe('{"ok": "é"}');
    expect(body(Buffer.alloc(0))).toBe('');
  });

  it('says what a binary body was instead of storing it', () => {
    expect(body(Buffer.from([0, 1, 2]), { contentType: 'application/octet-stream' })).toBe(
      '[binary body, 3 bytes, content-type application/octet-stream]',
    );
    expect(body(Buffer.from([0xc3, 0x28]))).toBe('[binary body, 2 bytes]');
    expect(body(Buffer.from('plain'), { contentEncoding: 'gzip', truncated: true })).toBe(
      '[binary body, 5+ bytes, content-encoding gzip]',
    );
  });

  it('drops a character cut by truncation, but not an invalid byte in an untruncated body', () => {
    const cut = Buffer.from('ab€').subarray(0, 4); // € is 3 bytes: 1 of them kept
    expect(body(cut, { truncated: true })).toBe('ab');
    expect(body(cut)).toBe('[binary body, 4 bytes]');
  });
});
