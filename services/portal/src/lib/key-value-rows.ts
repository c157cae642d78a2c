// An endpoint's custom headers and its metadata are edited as rows of name and value; the API
// takes (and gives) an object of strings.

export interface KeyValueRow {
  name: string;
  value: string;
}

/** The API's JSON object as editable rows (values the API holds as non-strings are shown as text). */
export function keyValueRows(object: unknown): KeyValueRow[] {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return [];
  return Object.entries(object as Record<string, unknown>).map(([name, value]) => ({
    name,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  }));
}

/** Rows back to the object the API takes: blank rows dropped, names trimmed; a repeated name keeps its last value. */
export function keyValueObject(rows: KeyValueRow[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (name) result[name] = row.value;
  }
  return result;
}

// RFC 9110 token characters: what a header name may contain.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The error to show beside a header row's name, or null when it is fine. Header names ignore case. */
export function headerNameError(rows: KeyValueRow[], index: number): string | null {
  const name = rows[index]?.name.trim() ?? '';
  const value = rows[index]?.value ?? '';
  if (!name) return value ? 'Name the header' : null;
  if (!TOKEN.test(name)) return 'Letters, digits and - only';
  const lower = name.toLowerCase();
  if (rows.findIndex((r) => r.name.trim().toLowerCase() === lower) !== index) return 'Already set above';
  return null;
}

/** The API keeps metadata values up to this long. */
export const METADATA_VALUE_MAX = 1000;

/** The error to show beside a metadata row's key, or null when it is fine. Keys are any text, case kept. */
export function metadataKeyError(rows: KeyValueRow[], index: number): string | null {
  const name = rows[index]?.name.trim() ?? '';
  const value = rows[index]?.value ?? '';
  if (!name) return value ? 'Name the key' : null;
  if (rows.findIndex((r) => r.name.trim() === name) !== index) return 'Already set above';
  return null;
}

/** The error to show beside a metadata value, or null when it is fine. */
export function metadataValueError(value: string): string | null {
  return value.length > METADATA_VALUE_MAX ? `At most ${METADATA_VALUE_MAX} characters` : null;
}
