// Custom endpoint headers are edited as rows of name and value; the API takes an object.

export interface HeaderRow {
  name: string;
  value: string;
}

/** The API's `headers` JSON as editable rows (values the API holds as non-strings are shown as text). */
export function headerRows(headers: unknown): HeaderRow[] {
  if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return [];
  return Object.entries(headers as Record<string, unknown>).map(([name, value]) => ({
    name,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  }));
}

/** Rows back to the object the API takes: blank rows dropped, names trimmed; a repeated name keeps its last value. */
export function headersObject(rows: HeaderRow[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (name) result[name] = row.value;
  }
  return result;
}

// RFC 9110 token characters: what a header name may contain.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The error to show beside a row's name, or null when it is fine. */
export function headerNameError(rows: HeaderRow[], index: number): string | null {
  const name = rows[index]?.name.trim() ?? '';
  const value = rows[index]?.value ?? '';
  if (!name) return value ? 'Name the header' : null;
  if (!TOKEN.test(name)) return 'Letters, digits and - only';
  const lower = name.toLowerCase();
  if (rows.findIndex((r) => r.name.trim().toLowerCase() === lower) !== index) return 'Already set above';
  return null;
}
