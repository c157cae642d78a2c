import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/** Prefixed, time-sortable ids (`evt_01J…`): the prefix tells a reader what an id names, the ULID sorts by creation. */
export type IdPrefix = 'tnt' | 'key' | 'evtype' | 'ep' | 'whsec' | 'evt' | 'dlv' | 'att' | 'opev' | 'audit';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
