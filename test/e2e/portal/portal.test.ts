import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, type TestTenant, waitForDelivery } from '../../support/scenario.ts';
import { expectNoProblems, launchChromium, nav, openPage, screenshotIfFailed, type WatchedPage } from './browser.ts';

// The tenant portal in a real browser (Debian's Chromium) against the real stack: a new tenant goes
// from sign-in to a replayed dead letter without leaving the portal, and a portal-session link
// shows one consumer's data and nothing else. Any page error or console error fails the test.

let gateway: TestGateway;
let browser: Browser;
let tenant: TestTenant;
let happy: Receiver;
let flaky: Receiver;
let flakyFails = true;
let portal: WatchedPage;

beforeAll(async () => {
  [gateway, browser, happy, flaky] = await Promise.all([
    // Three quick attempts: a failing receiver is dead-lettered within seconds.
    startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,1s,1s' }),
    launchChromium(),
    startReceiver(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ received: true, by: 'happy-receiver' }),
    })),
    startReceiver(() =>
      flakyFails ? { status: 503, body: 'flaky receiver is down' } : { status: 200, body: 'flaky receiver is back' },
    ),
  ]);
  tenant = await createTenantWithEventType(gateway, 'Portal Co');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([happy?.close(), flaky?.close()]);
  await gateway?.stop();
});

afterEach((context) => screenshotIfFailed(context, portal?.page));

/**
 * What the sign-in page may cost in JavaScript, gzipped: React and the few components it draws.
 * It was 187 KiB while it loaded the whole portal shell (router, layout, dialogs, form library).
 */
const SIGN_IN_JS_BUDGET = 125 * 1024;

/** The gzipped size of the scripts at these paths, as the gateway serves them. */
async function gzippedSize(paths: string[]): Promise<number> {
  let total = 0;
  for (const path of new Set(paths)) {
    const body = Buffer.from(await (await fetch(`${gateway.url}${path}`)).arrayBuffer());
    total += gzipSync(body, { level: 9 }).length;
  }
  return total;
}

describe('the tenant portal', () => {
  it('refuses a wrong API key with a clear error, then signs in with the right one', async () => {
    portal = await openPage(browser, gateway.url);
    const { page } = portal;
    await page.getByLabel('API key').waitFor();
    // The sign-in page loads the sign-in chunk only: the rest of the portal waits for a signed-in user.
    await page.waitForLoadState('networkidle');
    const signInScripts = [...portal.scripts];
    expect(signInScripts.filter((path) => /signed-in-app|app-layout|-page-/.test(path))).toEqual([]);
    const signInBytes = await gzippedSize(signInScripts);
    expect(signInBytes, `sign-in JS ${(signInBytes / 1024).toFixed(1)} KiB gzip`).toBeLessThan(SIGN_IN_JS_BUDGET);
    await portal.screenshot('01-sign-in');
    await portal.allowing(/401/, async () => {
      await page.getByLabel('API key').fill('acme_sk_not_a_real_key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('That API key was not accepted').waitFor();
    });
    await page.getByLabel('API key').fill(tenant.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(portal.scripts.some((path) => path.includes('signed-in-app'))).toBe(true);
    // Kept for the tab only: sessionStorage, never localStorage.
    expect(await page.evaluate('[sessionStorage.length, localStorage.length]')).toEqual([1, 0]);
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    await portal.screenshot('02-overview-first-time');
    expectNoProblems(portal);
  });

  it('creates an event type with a JSON Schema, showing the API refusal of a bad schema in place', async () => {
    const { page } = portal;
    await nav(page, 'Event types');
    await page.getByRole('button', { name: 'New event type' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('order.shipped');
    await dialog.getByLabel('Description').fill('An order left the warehouse');
    await dialog
      .getByLabel('JSON Schema')
      .fill('{ "type": "object", "required": ["orderId"], "properties": { "orderId": { "type": "nope" } } }');
    await dialog.getByRole('button', { name: 'Create event type' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toContain('BAD_USER_INPUT');
    await dialog
      .getByLabel('JSON Schema')
      .fill('{ "type": "object", "required": ["orderId"], "properties": { "orderId": { "type": "string" } } }');
    await dialog.getByRole('button', { name: 'Create event type' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('order.shipped').click();
    await page.getByLabel('JSON Schema of order.shipped').waitFor();
    await portal.screenshot('03-event-types');
    expectNoProblems(portal);
  });

  it('creates an endpoint with a custom header, shows its secret, and delivers a test event with the receiver’s answer', async () => {
    const { page } = portal;
    await nav(page, 'Endpoints');
    await page.getByText('No endpoints yet').waitFor();
    await page.getByRole('button', { name: 'Add your first endpoint' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Endpoint URL').fill(happy.url);
    await dialog.getByLabel('Description').fill('Billing service');
    await dialog.getByRole('button', { name: 'Add header' }).click();
    await dialog.getByLabel('Header 1 name').fill('X-Team');
    await dialog.getByLabel('Header 1 value').fill('billing');
    await dialog.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = page.getByRole('dialog', { name: 'Endpoint created' }).getByTestId('secret-value');
    expect(await secret.textContent()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: happy.url }).waitFor();

    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.getByTestId('test-delivery');
    await result.waitFor();
    const text = await result.textContent();
    expect(text).toContain('Succeeded');
    expect(text).toContain('HTTP 200');
    expect(text).toContain('happy-receiver');
    const [request] = await happy.waitFor(1);
    expect(request!.headers['x-team']).toBe('billing');
    await portal.screenshot('04-test-event');

    await page.getByRole('link', { name: 'Open the delivery' }).click();
    await page.getByRole('heading', { name: /Delivery/ }).waitFor();
    await page.getByLabel('Attempt timeline').getByText('HTTP 200').first().waitFor();
    expect(await page.getByLabel('Response body of attempt 1').textContent()).toContain('happy-receiver');
    await portal.screenshot('05-delivery-detail');

    await page.getByRole('link', { name: happy.url }).first().click();
    await page.getByRole('table', { name: 'Recent deliveries' }).waitFor();
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    expect(await page.getByTestId('secret-value').textContent()).toMatch(/^whsec_/);
    await portal.screenshot('06-endpoint-detail');
    expectNoProblems(portal);
  });

  it('dead-letters a failing receiver’s delivery, then replays it from the Dead letters page and sees it succeed', async () => {
    const { page } = portal;
    const failing = await createEndpoint(gateway, tenant.token, {
      url: flaky.url,
      eventTypes: ['invoice.paid'],
      description: 'Flaky',
    });
    await nav(page, 'Endpoints');
    await page.reload(); // the endpoint was made behind the portal's back, through the API
    await page.getByRole('link', { name: flaky.url }).click();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByTestId('test-delivery').waitFor();
    expect(await page.getByTestId('test-delivery').textContent()).toContain('HTTP 503');
    await page.getByRole('button', { name: 'Close dialog' }).click();
    await flaky.waitFor(3, 30_000);
    const [dead] = (await gateway.graphql(`{ deadLetters { edges { node { id } } } }`, {}, tenant.token)).body.data.deadLetters
      .edges;
    const deadId: string = dead?.node.id ?? (await waitForDeadLetter());
    await waitForDelivery(gateway, tenant.token, deadId, (d) => d.status === 'DEAD_LETTERED');

    await nav(page, 'Dead letters');
    const row = page.getByRole('table', { name: 'Dead letters' }).getByRole('link', { name: `Delivery ${deadId}` });
    await row.waitFor();
    await portal.screenshot('07-dead-letters');

    flakyFails = false;
    await page.getByRole('button', { name: 'Replay all' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Replay 1' }).click();
    const progress = page.getByTestId('replay-progress');
    await progress.getByText('Done').waitFor({ timeout: 30_000 });
    expect(await progress.textContent()).toContain('1 succeeded');
    await portal.screenshot('08-dead-letters-replayed');
    const replayed = await waitForDelivery(gateway, tenant.token, deadId, (d) => d.status === 'SUCCEEDED');
    expect(replayed.attempts.at(-1).responseBody).toBe('flaky receiver is back');
    // The dead letter replayed from the page is the failing endpoint's, and the page no longer lists it.
    expect(replayed.endpoint.id).toBe(failing.endpoint.id);
    await page.reload();
    await page.getByText('No dead letters').first().waitFor();
    expect(await row.count()).toBe(0);
    expectNoProblems(portal);

    async function waitForDeadLetter(): Promise<string> {
      for (let i = 0; i < 100; i++) {
        const { body } = await gateway.graphql(`{ deadLetters { edges { node { id } } } }`, {}, tenant.token);
        const id = body.data.deadLetters.edges[0]?.node.id;
        if (id) return id;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no dead letter appeared');
    }
  });

  it('shows the overview, events and an event with its payload and deliveries', async () => {
    const { page } = portal;
    await nav(page, 'Overview');
    await page.getByRole('heading', { name: 'Deliveries over time' }).waitFor();
    // Events exist now: the first-time guide is gone.
    await page.getByRole('heading', { name: 'Get started' }).waitFor({ state: 'detached' });
    await portal.screenshot('09-overview');
    await nav(page, 'Events');
    await page.getByRole('table', { name: 'Events' }).waitFor();
    await portal.screenshot('10-events');
    await page.getByRole('table', { name: 'Events' }).getByRole('link').first().click();
    await page.getByLabel('Event payload').waitFor();
    await page.getByRole('table', { name: 'Deliveries of this event' }).waitFor();
    await portal.screenshot('11-event-detail');
    await nav(page, 'API keys & links');
    await page.getByRole('table', { name: 'API keys' }).waitFor();
    await portal.screenshot('12-settings');
    expectNoProblems(portal);
  });

  it('says so when the gateway cannot be reached, with the error’s code, and recovers on “Try again”', async () => {
    const { page } = portal;
    await page.route('**/graphql', (route) => route.abort('connectionrefused'));
    await portal.allowing(/ERR_CONNECTION_REFUSED|Failed to load resource/, async () => {
      await nav(page, 'Dead letters');
      await page.getByText('Connection problem').waitFor({ timeout: 30_000 });
      const alert = page.getByRole('alert').filter({ hasText: 'Cannot reach the gateway' });
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.textContent()).toContain('CONNECTION_ERROR');
      await portal.screenshot('15-network-error');
      await page.unroute('**/graphql');
      await alert.getByRole('button', { name: 'Try again' }).click();
      await page.getByText('Connection problem').waitFor({ state: 'detached' });
    });
    expectNoProblems(portal);
  });

  it('opens a portal-session link: one consumer’s endpoints and deliveries only, no tenant-wide editing', async () => {
    const mine = await createEndpoint(gateway, tenant.token, {
      url: `${happy.url}/globex`,
      consumerId: 'globex',
      description: 'Globex hooks',
    });
    const theirs = await createEndpoint(gateway, tenant.token, { url: `${happy.url}/initech`, consumerId: 'initech' });
    const published = await publish(gateway, tenant.token, {
      eventType: 'invoice.paid',
      payload: { invoice: 7 },
      consumerId: 'globex',
    });
    await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { invoice: 8 }, consumerId: 'initech' });
    const session = await gateway.graphql(
      'mutation { createPortalSession(consumerId: "globex", ttlSeconds: 1800) { url expiresAt } }',
      {},
      tenant.token,
    );
    const { url } = session.body.data.createPortalSession;
    expect(url).toMatch(/\/session#/);

    // A browser of its own: nothing of the tenant's sign-in carries over.
    const customer = await openPage(browser, url.replace(/^https?:\/\/[^/]+/, gateway.url));
    try {
      const { page } = customer;
      const banner = page.getByLabel('Portal session');
      await banner.waitFor();
      expect(await banner.textContent()).toMatch(/managing the webhooks of globex.*expires/);
      // The token left the address bar at once.
      expect(page.url()).toBe(`${gateway.url}/`);
      await page.getByRole('heading', { name: 'Deliveries over time' }).waitFor();
      await customer.screenshot('13-portal-session-overview');

      await nav(page, 'Endpoints');
      await page.getByRole('link', { name: mine.endpoint.url }).waitFor();
      expect(await page.getByText(theirs.endpoint.url).count()).toBe(0);
      expect(await page.getByRole('table', { name: 'Endpoints' }).getByRole('row').count()).toBe(2); // header + globex's
      expect(await page.getByRole('button', { name: 'Add endpoint' }).count()).toBe(1);
      await customer.screenshot('14-portal-session-endpoints');

      await nav(page, 'Events');
      await page.getByRole('table', { name: 'Events' }).waitFor();
      const events = await page.getByRole('table', { name: 'Events' }).textContent();
      expect(events).toContain(published.event.id);
      expect(await page.getByRole('table', { name: 'Events' }).getByRole('row').count()).toBe(2);
      expect(await page.getByRole('button', { name: 'Publish event' }).count()).toBe(0);

      await nav(page, 'Event types');
      await page.getByRole('button', { name: /invoice\.paid/ }).waitFor();
      expect(await page.getByRole('button', { name: 'New event type' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'API keys & links' }).count()).toBe(0);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key').waitFor();
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      expectNoProblems(customer);
    } finally {
      await customer.context.close();
    }
  });
});
