/**
 * A Postgres text[] literal, to pass as one string parameter cast with `::text[]` (or `::int[]`...).
 * Not sql.array(): postgres.js serialises it by the array types it fetches when its first connection
 * opens, and builds a statement for a connection that is still opening before that, so the first
 * statement of a fresh pool sent an array as '' ("malformed array literal": the dispatcher's first
 * claim in every new process failed). A string needs no type.
 */
export function textArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}
