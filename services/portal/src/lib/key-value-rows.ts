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

// Only the shape of the rows is checked here: what the object cannot hold (a value without a name, a
// name given twice, of which the object would keep one). What a header or metadata entry may contain
// is the API's rule, shown beside the field when it refuses one (see endpoint-form.tsx).

/**
 * The error to show beside a row's name, or null when it is fine. Header names ignore case (the API
 * keeps one of `X-A` and `x-a`); metadata keys keep it.
 */
export function rowNameError(rows: KeyValueRow[], index: number, { ignoreCase }: { ignoreCase: boolean }): string | null {
  const name = rows[index]?.name.trim() ?? '';
  const value = rows[index]?.value ?? '';
  if (!name) return value ? 'Give this row a name' : null;
  const same = (other: string) => (ignoreCase ? other.toLowerCase() === name.toLowerCase() : other === name);
  if (rows.findIndex((r) => same(r.name.trim())) !== index) return 'Already set above';
  return null;
}
