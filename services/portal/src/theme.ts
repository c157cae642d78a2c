import { type CSSVariablesResolver, createTheme, DEFAULT_THEME, type MantineColorsTuple } from '@mantine/core';

/**
 * Mantine's palettes with shades 8 and 9 darkened where they are too light to read: as text on
 * white, on the shade-1 backgrounds of light badges and alerts, or under white text on a filled
 * button, each at least 4.5:1 (WCAG 2.2 AA), which axe checks in the browser tests.
 */
function readable(name: keyof typeof DEFAULT_THEME.colors, shade8: string, shade9: string): MantineColorsTuple {
  const base = DEFAULT_THEME.colors[name]!;
  return [...base.slice(0, 8), shade8, shade9] as unknown as MantineColorsTuple;
}

const READABLE_COLORS = {
  red: readable('red', '#dc3030', '#c12828'),
  green: readable('green', '#278539', '#257735'),
  teal: readable('teal', '#08835e', '#077554'),
  orange: readable('orange', '#c84d0a', '#b63c0d'),
  yellow: readable('yellow', '#a86200', '#a15300'),
  lime: readable('lime', '#4e800b', '#4a760a'),
  cyan: readable('cyan', '#0c8093', '#0b7082'),
};

/**
 * In the light scheme, what Mantine draws with shade 6 (filled buttons, `c="red"` text, outlines,
 * links) and the dimmed gray of secondary text fall short of 4.5:1: they take shade 8 and gray 7.
 */
export const cssVariablesResolver: CSSVariablesResolver = (theme) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Placeholders drawn as elements (the date pickers') are checked like text: gray 5 is 2:1.
    '--mantine-color-placeholder': '#6b7178',
    '--mantine-color-anchor': 'var(--mantine-color-blue-8)',
    ...Object.fromEntries(
      Object.keys(theme.colors).flatMap((color) => [
        [`--mantine-color-${color}-filled`, `var(--mantine-color-${color}-8)`],
        [`--mantine-color-${color}-filled-hover`, `var(--mantine-color-${color}-9)`],
        [`--mantine-color-${color}-text`, `var(--mantine-color-${color}-8)`],
        [`--mantine-color-${color}-outline`, `var(--mantine-color-${color}-8)`],
        // Light fills one shade lighter than Mantine's, so that shade-9 text stays readable on hover too.
        [`--mantine-color-${color}-light`, `var(--mantine-color-${color}-0)`],
        [`--mantine-color-${color}-light-hover`, `var(--mantine-color-${color}-1)`],
      ]),
    ),
  },
  dark: {},
});

export const theme = createTheme({
  primaryColor: 'blue',
  colors: READABLE_COLORS,
  defaultRadius: 'md',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '650' },
  // No transitions for people who asked their system for less motion.
  respectReducedMotion: true,
  // Black text on light fills (yellow), white on dark ones.
  autoContrast: true,
  // Plain objects, not Modal.extend(): importing the components here would put them in the sign-in chunk.
  components: {
    // Every dialog's close button gets a name screen readers can announce.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } } },
    // A table wider than a phone scrolls sideways: keyboard users reach it with Tab, then the arrows.
    TableScrollContainer: { defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } } },
  },
});
