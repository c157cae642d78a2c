/**
 * What a receiver answers goes into Postgres text and jsonb columns, which refuse NUL (0x00) and
 * invalid UTF-8: one such answer would fail the whole batch's write. Everything a receiver
 * controls (body, header values, the text of errors and hints) passes through here first.
 */

const COMPRESSED = /\b(gzip|x-gzip|deflate|br|compress|zstd)\b/i;

/** NUL becomes U+FFFD and lone surrogates are made well-formed; everything else is kept. */
export function storableText(text: string): string {
  // With the u flag, \p{Cs} matches only unpaired surrogates: a pair is one code point.
  return text.replaceAll('\0', '\uFFFD').replace(/\p{Cs}/gu, '\uFFFD');
}

/** Each header name and value made storable (jsonb refuses \u0000). */
export function storableHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[storableText(name)] = storableText(value);
  return out;
}

export interface ResponseBodyBytes {
  bytes: Buffer;
  /** True when the receiver sent more than `bytes` (they were cut at the size limit). */
  truncated: boolean;
  contentType: string | undefined;
  contentEncoding: string | undefined;
}

/**
 * The response body as the attempt log shows it: the text when it is UTF-8 without NUL (a cut
 * multi-byte character at the size limit is dropped); otherwise a placeholder that says what it was,
 * e.g. `[binary body, 4096+ bytes, content-type application/octet-stream, content-encoding gzip]`.
 * A compressed body is never shown as text (we do not ask for compression, so it is the receiver's doing).
 */
export function describeResponseBody({ bytes, truncated, contentType, contentEncoding }: ResponseBodyBytes): string {
  if (bytes.length === 0) return '';
  const text = contentEncoding && COMPRESSED.test(contentEncoding) ? null : utf8Text(bytes, truncated);
  if (text !== null && !text.includes('\0')) return text;
  const parts = [`binary body, ${bytes.length}${truncated ? '+' : ''} bytes`];
  if (contentType) parts.push(`content-type ${contentType}`);
  if (contentEncoding) parts.push(`content-encoding ${contentEncoding}`);
  return storableText(`[${parts.join(', ')}]`);
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function utf8Text(bytes: Buffer, truncated: boolean): string | null {
  // A cut at the size limit may split one character (at most 3 of its bytes are left).
  for (let cut = 0; cut <= (truncated ? 3 : 0) && cut < bytes.length; cut++) {
    try {
      return decoder.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // Not UTF-8 up to this point: try one byte shorter, or give up.
    }
  }
  return null;
}
