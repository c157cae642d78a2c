import { describe, expect, it } from 'vitest';
import { iteratePages, type Page, toPage } from './pagination.ts';

function pagesOf(items: number[], size: number) {
  const requested: (string | null | undefined)[] = [];
  const list = async (params: { first?: number; after?: string | null }): Promise<Page<number>> => {
    requested.push(params.after);
    const start = params.after ? Number(params.after) : 0;
    const slice = items.slice(start, start + size);
    const end = start + slice.length;
    return { items: slice, pageInfo: { hasNextPage: end < items.length, endCursor: slice.length ? String(end) : null } };
  };
  return { list, requested };
}

describe('iteratePages', () => {
  it('follows the cursors through every page, lazily', async () => {
    const { list, requested } = pagesOf([1, 2, 3, 4, 5, 6, 7], 3);
    const seen: number[] = [];
    for await (const item of iteratePages(list, { first: 3 })) {
      seen.push(item);
      if (item === 2) expect(requested).toEqual([null]);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(requested).toEqual([null, '3', '6']);
  });

  it('starts after the cursor it is given', async () => {
    const { list } = pagesOf([1, 2, 3, 4, 5], 2);
    const seen: number[] = [];
    for await (const item of iteratePages(list, { after: '2' })) seen.push(item);
    expect(seen).toEqual([3, 4, 5]);
  });

  it('stops instead of looping when a gateway repeats its cursor', async () => {
    let calls = 0;
    const stuck = async (): Promise<Page<number>> => {
      calls++;
      return { items: [calls], pageInfo: { hasNextPage: true, endCursor: 'same' } };
    };
    const seen: number[] = [];
    for await (const item of iteratePages(stuck, {})) seen.push(item);
    expect(seen).toEqual([1, 2]);
  });

  it('never asks the gateway to count while iterating', async () => {
    const asked: unknown[] = [];
    const list = async (params: { withTotalCount?: boolean; after?: string | null }): Promise<Page<number>> => {
      asked.push(params);
      return { items: [1], pageInfo: { hasNextPage: !params.after, endCursor: 'next' } };
    };
    for await (const _ of iteratePages(list, { withTotalCount: true, first: 1 })) {
      // drain
    }
    expect(asked).toEqual([
      { first: 1, after: null },
      { first: 1, after: 'next' },
    ]);
  });
});

describe('toPage', () => {
  it('carries the total count when the gateway gave one, and says whether it is exact', () => {
    const connection = { edges: [{ node: 'a' }], pageInfo: { hasNextPage: true, endCursor: 'c' } };
    expect(toPage(connection)).toEqual({ items: ['a'], pageInfo: connection.pageInfo });
    expect(toPage({ ...connection, totalCount: 0, totalCountIsExact: true }).totalCount).toEqual({ count: 0, exact: true });
    expect(toPage({ ...connection, totalCount: 10_000, totalCountIsExact: false }).totalCount).toEqual({
      count: 10_000,
      exact: false,
    });
  });
});
