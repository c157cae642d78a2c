import { em } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/** Narrower than Mantine's `sm` breakpoint (48em): tables become stacked cards. */
export function usePhone(): boolean {
  return useMediaQuery(`(max-width: ${em(767)})`) ?? false;
}
