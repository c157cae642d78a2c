// Debian's Chromium driven by playwright-core (never a downloaded browser build), headless, with
// every page error and console error collected so that a test can fail on them.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repoRoot = new URL('../../..', import.meta.url).pathname;
export const SCREENSHOTS = join(repoRoot, 'test-results', 'portal');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

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
  /** Runs `action` with console errors matching `pattern` expected (e.g. the 401 of a wrong key). */
  allowing<T>(pattern: RegExp, action: () => Promise<T>): Promise<T>;
  /** Saves `name`-desktop.png and `name`-phone.png of the page as it is now (full page). */
  screenshot(name: string): Promise<void>;
}

export async function openPage(browser: Browser, url: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  let allowed: RegExp | null = null;
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
    async allowing(pattern, action) {
      allowed = pattern;
      try {
        return await action();
      } finally {
        allowed = null;
      }
    },
    async screenshot(name) {
      // Let charts and transitions settle, then one shot per width.
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(250);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
      await page.setViewportSize(DESKTOP);
      await page.waitForTimeout(150);
    },
  };
}
