import { InvalidInputError } from '../errors.ts';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
}

const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

/** Opaque cursors over our time-sortable ids: lists page newest first, keyset, with no offset to drift. */
export function pageWindow(args: PageArgs): { limit: number; afterId: string | null } {
  const limit = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new InvalidInputError(`first must be between 1 and ${MAX_PAGE}.`, { field: 'first' });
  }
  if (!args.after) return { limit, afterId: null };
  const afterId = Buffer.from(args.after, 'base64url').toString('utf8');
  if (!/^[a-z]+_[0-9A-HJKMNP-TV-Z]{26}$/.test(afterId))
    throw new InvalidInputError('after is not a cursor from this list.', { field: 'after' });
  return { limit, afterId };
}

/** Give `rows` fetched with limit + 1: the extra row only says whether there is a next page. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const nodes = rows.slice(0, limit);
  const last = nodes.at(-1);
  return { nodes, hasNextPage: rows.length > limit, endCursor: last ? Buffer.from(last.id).toString('base64url') : null };
}

export function cursorOf(id: string): string {
  return Buffer.from(id).toString('base64url');
}
