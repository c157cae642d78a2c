// Debian's Chromium driven by playwright-core (never a downloaded browser build), headless, with
// every page error and console error collected so that a test can fail on them, and every page
// checked with axe-core at both widths.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AxeResults, RunOptions } from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect, type TestContext } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repoRoot = new URL('../../..', import.meta.url).pathname;
export const SCREENSHOTS = join(repoRoot, 'test-results', 'portal');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** What fails a page: axe's serious and critical findings (WCAG 2.2 A and AA, and best practices). */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

/**
 * axe-core's serious and critical violations on the page as it is now, one line each with the
 * elements at fault. axe is injected into the page once (the portal is one page: it stays).
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof globalThis.axe === "object"'))) await page.addScriptTag({ path: AXE_SCRIPT });
  const options: RunOptions = { resultTypes: ['violations'] };
  const results = await page.evaluate((runOptions) => {
    const window = globalThis as unknown as { document: unknown; axe: { run(c: unknown, o: unknown): Promise<AxeResults> } };
    return window.axe.run(window.document, runOptions);
  }, options);
  return results.violations
    .filter((v) => FAILING_IMPACTS.has(v.impact ?? ''))
    .map((v) => {
      const where = v.nodes
        .slice(0, 4)
        .map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ')})` : ''}`);
      return `${v.id} [${v.impact}]: ${v.help}; ${v.nodes.length} element(s): ${where.join(' | ')}`;
    });
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Page errors and console errors so far, but those `allow` was told to expect. */
  problems: string[];
  /** The path of every script the page requested, in order (what a page costs to load). */
  scripts: string[];
  /** Runs `action` with console errors matching `pattern` expected (e.g. the 401 of a wrong key). */
  allowing<T>(pattern: RegExp, action: () => Promise<T>): Promise<T>;
  /**
   * Saves `name`-desktop.png and `name`-phone.png of the page as it is now (full page), and runs
   * axe-core at each width: its serious and critical findings join `problems`.
   */
  screenshot(name: string): Promise<void>;
}

export async function openPage(browser: Browser, url: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  const scripts: string[] = [];
  let allowed: RegExp | null = null;
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = `${message.text()} (${message.location().url})`;
    if (allowed?.test(text)) return;
    problems.push(`console error: ${text}`);
  });
  await page.goto(url);
  return {
    page,
    context,
    problems,
    scripts,
    async allowing(pattern, action) {
      allowed = pattern;
      try {
        return await action();
      } finally {
        allowed = null;
      }
    },
    async screenshot(name) {
      // Let charts and transitions settle, then one shot and one accessibility check per width.
      await page.waitForLoadState('networkidle').catch(() => {});
      const audit = async (width: string) => {
        for (const violation of await accessibilityViolations(page)) problems.push(`axe at ${width} on ${name}: ${violation}`);
      };
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
      await audit('1280 px');
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(250);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
      await audit('375 px');
      await page.setViewportSize(DESKTOP);
      await page.waitForTimeout(150);
    },
  };
}

/** Follows a link of the main navigation (page content may have links of the same name). */
export function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name, exact: true }).click();
}

export function expectNoProblems(page: WatchedPage) {
  expect(page.problems, page.problems.join('\n')).toEqual([]);
}

/** A failing test leaves a picture of the page as it was (for `afterEach`). */
export async function screenshotIfFailed(context: TestContext, page: Page | undefined) {
  if (context.task.result?.state !== 'fail' || !page) return;
  const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await page.screenshot({ path: join(SCREENSHOTS, `failed-${name}.png`), fullPage: true }).catch(() => {});
}
