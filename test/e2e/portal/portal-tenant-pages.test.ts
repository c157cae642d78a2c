import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, type TestTenant, waitForDelivery } from '../../support/scenario.ts';
import { expectNoProblems, launchChromium, nav, openPage, screenshotIfFailed, type WatchedPage } from './browser.ts';

// The portal's pages beyond the first-delivery path, in Chromium against the real stack: endpoint
// metadata, the endpoint list's stats, a bulk replay followed to the end, operational events,
// tenant settings, the audit log, event search and payload expunging. Every screenshot also runs
// axe-core at both widths (browser.ts), and any page or console error fails the test.

/** More than one page of the dead-letters list (25), so that the replay must follow ids it never showed. */
const DEAD_LETTERS = 27;

let gateway: TestGateway;
let browser: Browser;
let tenant: TestTenant;
let happy: Receiver;
let flaky: Receiver;
let flakyFails = true;
let portal: WatchedPage;
let happyEndpointId: string;
let flakyEndpointId: string;
/** GraphQL operation names the portal sent, in order. */
const operations: string[] = [];

beforeAll(async () => {
  [gateway, browser, happy, flaky] = await Promise.all([
    // Three quick attempts: a failing receiver's deliveries are dead-lettered within seconds.
    startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,1s,1s' }),
    launchChromium(),
    startReceiver(() => ({ status: 200, body: 'ok' })),
    startReceiver(() => (flakyFails ? { status: 503, body: 'down for maintenance' } : { status: 200, body: 'back' })),
  ]);
  tenant = await createTenantWithEventType(gateway, 'Pages Co');
  const type = await gateway.graphql(
    'mutation { createEventType(input: { name: "order.created", description: "An order was placed" }) { name } }',
    {},
    tenant.token,
  );
  expect(type.body.errors).toBeUndefined();
  happyEndpointId = (await createEndpoint(gateway, tenant.token, { url: happy.url, eventTypes: ['order.created'] })).endpoint.id;
  // One attempt each: deliveries that wait behind a recovering endpoint's probe are tried one schedule
  // after another, and the dead letters here need not each spend seconds of retries to get there.
  flakyEndpointId = (
    await createEndpoint(gateway, tenant.token, { url: flaky.url, eventTypes: ['invoice.paid'], retrySchedule: '0s' })
  ).endpoint.id;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([happy?.close(), flaky?.close()]);
  await gateway?.stop();
});

afterEach((context) => screenshotIfFailed(context, portal?.page));

async function api(query: string, variables: Record<string, unknown> = {}) {
  const { body } = await gateway.graphql(query, variables, tenant.token);
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** Polls `read` until `done` holds (the worker writes asynchronously). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms; last seen ${JSON.stringify(last)}`);
}

/** Picks `option` in the Mantine select labelled `label`. */
async function choose(page: Page, label: string, option: string) {
  await page.getByLabel(label, { exact: true }).first().click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('the portal’s tenant pages', () => {
  it('signs in', async () => {
    portal = await openPage(browser, gateway.url);
    const { page } = portal;
    page.on('request', (request) => {
      if (!request.url().endsWith('/graphql') || request.method() !== 'POST') return;
      const name = /^\s*(?:query|mutation)\s+(\w+)/.exec(String(request.postDataJSON()?.query ?? ''))?.[1];
      if (name) operations.push(name);
    });
    await page.getByLabel('API key').fill(tenant.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expectNoProblems(portal);
  });

  it('edits an endpoint’s metadata, refusing a repeated key in place, and shows it on the endpoint’s page', async () => {
    const { page } = portal;
    await page.goto(`${gateway.url}/endpoints/${happyEndpointId}`);
    await page.getByRole('heading', { name: happy.url }).waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Timeout, retry schedule and metadata' }).click();
    const metadata = dialog.getByRole('group', { name: 'Metadata' });
    await metadata.getByRole('button', { name: 'Add metadata key' }).click();
    await metadata.getByLabel('Metadata key 1 name').fill('team');
    await metadata.getByLabel('Metadata key 1 value').fill('billing');
    await metadata.getByRole('button', { name: 'Add metadata key' }).click();
    await metadata.getByLabel('Metadata key 2 name').fill('team');
    await metadata.getByLabel('Metadata key 2 value').fill('again');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await metadata.getByText('Already set above').waitFor();
    await metadata.getByRole('button', { name: 'Remove metadata key team' }).nth(1).click();
    await metadata.getByRole('button', { name: 'Add metadata key' }).click();
    await metadata.getByLabel('Metadata key 2 name').fill('plan');
    await metadata.getByLabel('Metadata key 2 value').fill('enterprise');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });

    const shown = page.getByLabel('Metadata', { exact: true });
    await shown.getByText('team: billing').waitFor();
    await shown.getByText('plan: enterprise').waitFor();
    const saved = await api('query($id: ID!) { endpoint(id: $id) { metadata } }', { id: happyEndpointId });
    expect(saved.endpoint.metadata).toEqual({ team: 'billing', plan: 'enterprise' });
    await portal.screenshot('20-endpoint-metadata');
    expectNoProblems(portal);
  });

  it('shows the API’s refusal of a custom header at the Custom headers field: the portal keeps no copy of its rules', async () => {
    const { page } = portal;
    await page.goto(`${gateway.url}/endpoints/${happyEndpointId}`);
    await page.getByRole('heading', { name: happy.url }).waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    const headers = dialog.getByRole('group', { name: 'Custom headers' });
    await headers.getByRole('button', { name: 'Add header' }).click();
    // A name the API refuses: the portal sends it and shows the API's words at the field.
    await headers.getByLabel('Header 1 name').fill('Bad Name');
    await headers.getByLabel('Header 1 value').fill('x');
    await portal.allowing(/400|BAD_USER_INPUT/, async () => {
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await headers.getByText('"Bad Name" is not a valid header name.').waitFor();
      // An invalid header value, too: the API's rule, the API's message, at the field.
      await headers.getByLabel('Header 1 name').fill('X-Note');
      await headers.getByLabel('Header 1 value').fill('caf\u00e9');
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await headers.getByText(/^The header "X-Note" must be visible ASCII/).waitFor();
    });
    // Said once, at the field (and tied to it for screen readers), not again above the form.
    expect(await dialog.getByRole('alert').count()).toBe(0);
    expect(await headers.getAttribute('aria-describedby')).toBeTruthy();
    await portal.screenshot('20b-endpoint-header-refused');
    await headers.getByLabel('Header 1 value').fill('plain');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    const saved = await api('query($id: ID!) { endpoint(id: $id) { headers } }', { id: happyEndpointId });
    expect(Object.keys(saved.endpoint.headers)).toEqual(['x-note']);
    expectNoProblems(portal);
  });

  it('lists endpoints with their last 24 hours in one request per page', async () => {
    const { page } = portal;
    const { deliveries } = await publish(gateway, tenant.token, { eventType: 'order.created', payload: { order: 1 } });
    await waitForDelivery(gateway, tenant.token, deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    operations.length = 0;
    await nav(page, 'Endpoints');
    const row = page.getByRole('table', { name: 'Endpoints' }).getByRole('row').filter({ hasText: happy.url });
    await row.getByText('100 %').waitFor();
    // The stats came with the list: no query per endpoint.
    expect(operations.filter((o) => o.startsWith('ListEndpoints'))).toEqual(['ListEndpointsWithStats']);
    expect(operations.filter((o) => /stats/i.test(o) && o !== 'ListEndpointsWithStats')).toEqual([]);
    expectNoProblems(portal);
  });

  it(`replays ${DEAD_LETTERS} dead letters, more than a page, and follows every one of them to success`, async () => {
    const { page } = portal;
    const published = await Promise.all(
      Array.from({ length: DEAD_LETTERS }, (_, i) =>
        publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { invoice: i } }),
      ),
    );
    expect(published.flatMap((p) => p.deliveries)).toHaveLength(DEAD_LETTERS);
    await until(
      () => api('{ deadLetters(first: 100) { edges { node { id } } } }'),
      (d) => d.deadLetters.edges.length === DEAD_LETTERS,
      `${DEAD_LETTERS} dead letters`,
    );

    await nav(page, 'Dead letters');
    await page.getByTestId('dead-letter-count').getByText(`${DEAD_LETTERS} dead letters, newest first`).waitFor();
    await page.getByText(`25 of ${DEAD_LETTERS} shown`).waitFor();
    await portal.screenshot('21-dead-letters-counted');

    flakyFails = false;
    await page.getByRole('button', { name: 'Replay all' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: `Replay ${DEAD_LETTERS}` })
      .click();
    const progress = page.getByTestId('replay-progress');
    await progress.getByText('Done').waitFor({ timeout: 90_000 });
    expect(await progress.textContent()).toContain(`${DEAD_LETTERS} succeeded, 0 failed again, 0 in flight`);
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: `Replayed ${DEAD_LETTERS} dead letters` })
        .count(),
    ).toBe(1);
    await page.getByText('No dead letters', { exact: true }).waitFor();
    await portal.screenshot('22-dead-letters-replay-done');
    const left = await api('{ deadLetters(first: 100) { edges { node { id } } } }');
    expect(left.deadLetters.edges).toEqual([]);
    expectNoProblems(portal);
  });

  it('lists operational events: each dead letter with links to its endpoint and delivery, filtered by type', async () => {
    const { page } = portal;
    await nav(page, 'Operational events');
    const table = page.getByRole('table', { name: 'Operational events' });
    await table.getByText('Dead letter').first().waitFor();
    await page
      .getByText(`All ${DEAD_LETTERS} operational events shown`)
      .or(page.getByRole('button', { name: 'Load more' }))
      .waitFor();
    const firstDelivery = table.getByRole('link', { name: /^The delivery dlv_/ }).first();
    const deliveryId = (await firstDelivery.getAttribute('aria-label'))!.replace('The delivery ', '');
    await expect(table.getByRole('link', { name: flaky.url }).count()).resolves.toBeGreaterThan(0);
    await portal.screenshot('23-operational-events');

    // On a phone, the run of dead letters at one endpoint is one card that opens to show each.
    await page.setViewportSize({ width: 375, height: 812 });
    const list = page.getByRole('list', { name: 'Operational events' });
    const cards = list.locator(':scope > [role=listitem]');
    await cards.first().waitFor();
    expect(await cards.count()).toBeLessThanOrEqual(3);
    const toggle = list.getByRole('button', { name: /^Show the \d+ dead letters$/ });
    const count = Number((await toggle.textContent())!.match(/\d+/)![0]);
    expect(count).toBeGreaterThanOrEqual(20);
    await toggle.press('Enter');
    await expect.poll(() => list.getByRole('list', { name: 'dead letters' }).getByRole('listitem').count()).toBe(count);
    expect(await list.getByRole('button', { name: /^Hide the/ }).getAttribute('aria-expanded')).toBe('true');
    await page.setViewportSize({ width: 1280, height: 800 });

    await choose(page, 'What happened', 'Endpoint disabled');
    await page.getByText('Nothing matches').waitFor();
    await choose(page, 'What happened', 'Dead letter');
    await firstDelivery.click();
    await page.getByRole('heading', { name: /Delivery/ }).waitFor();
    expect(page.url()).toBe(`${gateway.url}/deliveries/${deliveryId}`);
    expectNoProblems(portal);
  });

  it('changes the retry schedule and operational endpoint, refuses a bad schedule at the field, and shows the limits', async () => {
    const { page } = portal;
    await nav(page, 'Settings');
    const schedule = page.getByRole('textbox', { name: 'Retry schedule' });
    await schedule.fill('soon');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('"soon" is not a delay').waitFor();
    expect(await schedule.getAttribute('aria-invalid')).toBe('true');

    await schedule.fill('0s,10s,1m');
    await choose(page, 'Operational endpoint', flaky.url);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const { viewer } = await api(
      '{ viewer { tenant { retrySchedule operationalEndpointId limits { publishRatePerSecond publishBurst maxPayloadBytes } } } }',
    );
    expect(viewer.tenant).toMatchObject({ retrySchedule: '0s,10s,1m', operationalEndpointId: flakyEndpointId });

    const { limits } = viewer.tenant;
    await page.getByText(`${limits.publishRatePerSecond.toLocaleString('en-US')} / s`, { exact: true }).waitFor();
    await page.getByText(limits.publishBurst.toLocaleString('en-US'), { exact: true }).waitFor();
    await page.getByText(`${Math.round(limits.maxPayloadBytes / 1024).toLocaleString('en-US')} KiB`, { exact: true }).waitFor();
    await portal.screenshot('24-settings');
    expectNoProblems(portal);
  });

  it('shows every change in the audit log in words, with who made it as the API names them, and the details of one', async () => {
    const { page } = portal;
    // A change made through a portal session: its actor is the session's key, which the portal never lists.
    const session = await api('mutation { createPortalSession(consumerId: "globex") { token } }');
    const { body } = await gateway.graphql(
      'mutation { createEndpoint(input: { url: "http://127.0.0.1:9/globex" }) { endpoint { id } } }',
      {},
      session.createPortalSession.token,
    );
    expect(body.errors).toBeUndefined();
    operations.length = 0;
    await nav(page, 'Audit log');
    const table = page.getByRole('table', { name: 'Audit log' });
    for (const action of ['Settings changed', 'Dead letters replayed', 'Endpoint changed', 'Endpoint created'])
      await table.getByText(action, { exact: true }).first().waitFor();
    await table.getByText('Portal session of globex').waitFor();
    await table.getByText('Default key (', { exact: false }).first().waitFor();
    // Who acted comes with each entry: no list of keys is fetched to name them.
    expect(operations.filter((o) => /ApiKeys/.test(o))).toEqual([]);
    await portal.screenshot('25-audit-log');

    await choose(page, 'Action', 'Endpoint changed');
    const rows = table.locator('tbody tr');
    await expect
      .poll(
        async () => {
          const texts = await rows.allTextContents();
          return texts.length > 0 && texts.every((text) => text.includes('Endpoint changed'));
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    // The metadata edit and the custom header edit above.
    expect(await rows.count()).toBe(2);
    // Newest first: the last is the metadata edit.
    const row = rows.last();
    expect(await row.getByRole('link', { name: happyEndpointId }).count()).toBe(1);
    await row.getByRole('button', { name: /^Details of Endpoint changed/ }).click();
    const details = page.getByRole('dialog').getByRole('table', { name: 'Details of the change' });
    await details.getByRole('rowheader', { name: 'Metadata' }).waitFor();
    await details.getByText('enterprise').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Close dialog' }).click();

    // On a phone: the same entry as a card, its details in a dialog that fills the screen, labelled rows that wrap.
    await page.setViewportSize({ width: 375, height: 812 });
    const list = page.getByRole('list', { name: 'Audit log' });
    await list
      .getByRole('listitem')
      .filter({ hasText: 'enterprise' })
      .last()
      .getByRole('button', { name: /^Details of/ })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('rowheader', { name: 'Metadata' }).waitFor();
    const box = await dialog.getByRole('table', { name: 'Details of the change' }).boundingBox();
    expect(box!.width).toBeLessThanOrEqual(375);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await portal.screenshot('25b-audit-details');
    await dialog.getByRole('button', { name: 'Close dialog' }).click();
    await page.setViewportSize({ width: 1280, height: 800 });
    expectNoProblems(portal);
  });

  it('finds an event by its idempotency key, then expunges its payload after a confirmation', async () => {
    const { page } = portal;
    const { event } = await publish(gateway, tenant.token, {
      eventType: 'order.created',
      payload: { order: 42, email: 'someone@example.com' },
      idempotencyKey: 'order-42-created',
    });
    await nav(page, 'Events');
    await page.getByLabel('Event id or idempotency key').fill('order-42-created');
    const table = page.getByRole('table', { name: 'Events' });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBe(1);
    expect(await table.textContent()).toContain(event.id);
    await table.getByRole('link').first().click();

    await page.getByLabel('Event payload').getByText('someone@example.com').waitFor();
    await page.getByRole('button', { name: 'Expunge payload' }).click();
    await page.getByRole('dialog', { name: 'Expunge this payload?' }).getByRole('button', { name: 'Expunge payload' }).click();
    await page.getByTestId('payload-expunged').waitFor();
    expect(await page.getByText('someone@example.com').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Expunge payload' }).count()).toBe(0);
    const stored = await api('query($id: ID!) { event(id: $id) { payload payloadExpungedAt } }', { id: event.id });
    expect(stored.event.payloadExpungedAt).toBeTruthy();
    expect(stored.event.payload).toBeNull();
    await portal.screenshot('26-event-expunged');
    expectNoProblems(portal);
  });

  it('keeps the tenant pages from a read-only key: no links to them, a note instead of a refused request', async () => {
    const created = await api('mutation { createApiKey(input: { name: "Support desk", scopes: [READ_ONLY] }) { token } }');
    const reader = await openPage(browser, gateway.url);
    try {
      const { page } = reader;
      const sent: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/graphql') && request.method() === 'POST') sent.push(String(request.postDataJSON()?.query));
      });
      await page.getByLabel('API key').fill(created.createApiKey.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      const navigation = page.getByRole('navigation', { name: 'Main navigation' });
      await navigation.getByRole('link', { name: 'Operational events' }).waitFor();
      for (const name of ['Audit log', 'Settings', 'API keys & links'])
        expect(await navigation.getByRole('link', { name, exact: true }).count()).toBe(0);
      await page.goto(`${gateway.url}/audit-log`);
      await page.getByText('Only a full-access key reads the audit log.').waitFor();
      await page.goto(`${gateway.url}/settings`);
      await page.getByText("Only a full-access key changes the tenant's settings.").waitFor();
      // Nothing the API would refuse this key was asked.
      expect(sent.filter((query) => /auditLog|tenantSettings|GetTenantSettings/.test(query))).toEqual([]);
      expectNoProblems(reader);
    } finally {
      await reader.context.close();
    }
  });
});
