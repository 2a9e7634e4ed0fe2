import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closedPortUrl } from '../support/faultyReceiver.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../support/startTestRuntime.ts';
import { TestReceiver } from '../support/TestReceiver.ts';
import { collectPageErrors, launchChromium, SCREENSHOT_VIEWPORT, screenshot } from './browser.ts';

// Three attempts 100 ms apart, then the dead-letter queue: failures are dead letters in about a second.
const harness = useTestRuntime({ ROWHOOK_RETRY_SCHEDULE: '100ms,100ms', ROWHOOK_DELIVERY_TIMEOUT: '2s' });

const acme = { receiver: new TestReceiver(), secret: '', endpointId: '', tenantId: 'acme' };
const globex = { receiver: new TestReceiver(), endpointId: '', tenantId: 'globex' };
let browser: Browser;
let page: Page;
let pageErrors: string[];

async function deadLetters(query: string): Promise<Array<{ id: string; endpointId: string }>> {
  const res = await harness.api.call('GET', `/v1/dead-letters?${query}`, TEST_ADMIN_TOKEN);
  return res.json.items;
}

beforeAll(async () => {
  await acme.receiver.start();
  await globex.receiver.start();
  acme.receiver.respondWithStatuses(500);
  globex.receiver.respondWith((_req, _i, res) =>
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no such webhook here'),
  );

  const acmeTenant = await harness.api.createTenant('acme');
  const acmeEndpoint = await harness.api.createEndpoint(acmeTenant.apiKey, {
    url: acme.receiver.url,
    description: 'Order sync',
  });
  acme.secret = acmeEndpoint.secret;
  acme.endpointId = acmeEndpoint.id;
  // A second acme endpoint nobody listens on: a different error class in the summary.
  await harness.api.createEndpoint(acmeTenant.apiKey, { url: await closedPortUrl(), description: 'Old CRM' });
  const globexTenant = await harness.api.createTenant('globex');
  globex.endpointId = (
    await harness.api.createEndpoint(globexTenant.apiKey, { url: globex.receiver.url })
  ).id;

  const { db } = harness.database;
  await db.query('create table orders (id bigint primary key, tenant_id text not null, total numeric)');
  await db.query(`select rowhook.track_table('orders', 'tenant_id')`);
  await db.query(
    `insert into orders values (1, 'acme', 99.95), (2, 'acme', 12.50), (3, 'acme', 7), (4, 'globex', 250)`,
  );
  // 3 orders × 2 acme endpoints + 1 globex order.
  await vi.waitFor(async () => expect(await deadLetters('limit=100')).toHaveLength(7), {
    timeout: 20_000,
    interval: 100,
  });

  browser = await launchChromium();
  page = await browser.newPage({ viewport: SCREENSHOT_VIEWPORT, locale: 'en-GB', timezoneId: 'UTC' });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await acme.receiver.stop();
  await globex.receiver.stop();
});

describe('the web console in a real browser', () => {
  it('signs in with the admin token only, and keeps it out of the URL', async () => {
    await page.goto(`${harness.runtime.apiUrl}/console`);
    await expect.poll(() => page.url()).toMatch(/\/console\/#\/sign-in$/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');

    await page.getByLabel('Admin token').fill('not-the-admin-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That is not the admin token').waitFor();
    expect(await page.getByLabel('Admin token').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dead letters', level: 1 }).waitFor();
    expect(page.url()).not.toContain(TEST_ADMIN_TOKEN);
    expect(await page.evaluate(() => sessionStorage.getItem('rowhook.adminToken'))).toBe(TEST_ADMIN_TOKEN);
    // Focus moves to the new view's heading.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Dead letters');
  });

  it('groups dead letters by tenant, endpoint and error class, with counts', async () => {
    const groups = page.getByRole('table', { name: /grouped by tenant, endpoint and error class/ });
    const acmeRow = groups.getByRole('row').filter({ hasText: acme.endpointId });
    await expect.poll(() => acmeRow.locator('td').nth(3).textContent()).toBe('3');
    expect(await acmeRow.textContent()).toContain('http_500');
    expect(await groups.getByRole('row').filter({ hasText: globex.endpointId }).textContent()).toContain(
      'http_404',
    );
    await screenshot(page, 'dead-letters');

    await acmeRow.getByRole('link', { name: /Show the 3 dead letters/ }).click();
    await expect.poll(() => page.url()).toContain(`endpointId=${acme.endpointId}`);
    const list = page.getByRole('table', { name: /newest failure first/ });
    await expect.poll(() => list.locator('tbody tr').count()).toBe(3);
  });

  it('shows a dead letter with its body, signed headers and every attempt, then redrives it to delivery', async () => {
    const [first] = await deadLetters(`endpointId=${acme.endpointId}&limit=100`);
    await page.getByRole('link', { name: first?.id }).click();
    await page.getByRole('heading', { name: `Dead letter ${first?.id}` }).waitFor();
    const attempts = page
      .getByRole('list', { name: 'Delivery attempts, oldest first' })
      .getByRole('listitem');
    await expect.poll(() => attempts.count()).toBe(3);
    expect(await attempts.first().textContent()).toContain('HTTP 500');
    // Each attempt shows when it was made (the API's attemptedAt).
    const detail = await harness.api.call('GET', `/v1/dead-letters/${first?.id}`, TEST_ADMIN_TOKEN);
    expect(await attempts.first().locator('time').getAttribute('datetime')).toBe(
      detail.json.attemptsLog[0].attemptedAt,
    );
    const body = await page.getByLabel('Event body as sent').textContent();
    expect(JSON.parse(body ?? '')).toMatchObject({ type: 'orders.created', data: { tenant_id: 'acme' } });
    await page.getByText('webhook-signature').waitFor();
    await screenshot(page, 'detail');

    acme.receiver.respondWithStatuses(200);
    const before = acme.receiver.received.length;
    await page.getByRole('button', { name: 'Redrive', exact: true }).click();
    await page.getByText(/^Delivered: the endpoint answered HTTP 200/).waitFor({ timeout: 15_000 });
    await expect.poll(() => attempts.count()).toBe(4);

    const delivered = acme.receiver.received.slice(before);
    expect(delivered).toHaveLength(1);
    const webhook = delivered[0];
    expect(webhook?.body).toBe(body);
    expect(() =>
      new Webhook(acme.secret).verify(webhook?.body ?? '', webhook?.headers as Record<string, string>),
    ).not.toThrow();
    expect((await deadLetters(`endpointId=${acme.endpointId}`)).map((d) => d.id)).not.toContain(first?.id);
  });

  it('redrives everything matching a filter, with progress and a count', async () => {
    await page.goto(`${harness.runtime.apiUrl}/console/#/dead-letters?endpointId=${acme.endpointId}`);
    const list = page.getByRole('table', { name: /newest failure first/ });
    await expect.poll(() => list.locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Redrive all matching' }).click();
    // The confirmation dialog has the focus on its safe choice.
    await page.getByRole('dialog', { name: 'Redrive all matching?' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm-cancel');
    await page.getByRole('button', { name: 'Redrive all', exact: true }).click();
    await page.getByText('Redrove 2 dead letters.').waitFor();
    await acme.receiver.waitForCount(3 * 3 + 1 + 2);
    await expect.poll(async () => (await deadLetters(`endpointId=${acme.endpointId}`)).length).toBe(0);
  });

  it('says a redrive-all stalled, not succeeded, when a batch re-sends nothing while some still match', async () => {
    // An API that finds 3 matching yet moves none (as when another operator is redriving them).
    await page.route('**/v1/dead-letters/redrive', (route) =>
      route.fulfill({ status: 202, contentType: 'application/json', body: '{"count":0,"remaining":3}' }),
    );
    try {
      await page.goto(`${harness.runtime.apiUrl}/console/#/dead-letters?tenantId=acme`);
      await page.getByRole('button', { name: 'Redrive all matching' }).click();
      await page.getByRole('button', { name: 'Redrive all', exact: true }).click();
      await page
        .getByText(
          'Stalled after redriving 0 dead letters: 3 still match but could not be redriven now. Try again.',
        )
        .waitFor();
      expect(await page.getByText(/^Redrove /).count()).toBe(0);
    } finally {
      await page.unroute('**/v1/dead-letters/redrive');
    }
  });

  it('discards a selected dead letter after confirmation', async () => {
    await page.goto(`${harness.runtime.apiUrl}/console/#/dead-letters?tenantId=globex`);
    const [only] = await deadLetters(`tenantId=globex`);
    await page.getByRole('checkbox', { name: `Select ${only?.id}` }).check();
    await page.getByRole('button', { name: 'Discard selected (1)' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await deadLetters('tenantId=globex')).toHaveLength(1);
    await page.getByRole('button', { name: 'Discard selected (1)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Discard' }).click();
    await page.getByText('Discarded 1 dead letter.').waitFor();
    expect(await deadLetters('tenantId=globex')).toHaveLength(0);
  });

  it('shows endpoint health per tenant, and re-enables a disabled endpoint', async () => {
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('heading', { name: 'Endpoint health' }).waitFor();
    await page.getByLabel('Tenant', { exact: true }).selectOption('acme');
    await page.getByRole('button', { name: 'Show endpoints' }).click();
    const rows = page.getByRole('table', { name: /Endpoints of acme/ }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const ok = rows.filter({ hasText: acme.endpointId });
    expect(await ok.textContent()).toContain('Enabled');

    await ok.getByRole('button', { name: /^Disable / }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await ok.getByText('Disabled', { exact: true }).waitFor();
    await screenshot(page, 'endpoints');
    await ok.getByRole('button', { name: /^Re-enable / }).click();
    await ok.getByText('Enabled', { exact: true }).waitFor();
    // The row was rebuilt; keyboard focus stays on this endpoint's button.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Disable');
    await page.getByText(/re-enabled: queued deliveries resume/).waitFor();
    const endpoint = await harness.api.call(
      'GET',
      `/v1/tenants/acme/endpoints/${acme.endpointId}`,
      TEST_ADMIN_TOKEN,
    );
    expect(endpoint.json.enabled).toBe(true);
  });

  it('lists tenants and operational events', async () => {
    await page.getByRole('link', { name: 'Tenants' }).click();
    const rows = page.getByRole('table', { name: 'Tenants' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('acme');
    await screenshot(page, 'tenants');

    await page.getByRole('link', { name: 'Operational events' }).click();
    await page.getByRole('heading', { name: 'Operational events' }).waitFor();
    // Every dead letter above was also an attempt.exhausted operational event.
    const events = page.getByRole('table', { name: /Operational events/ }).locator('tbody tr');
    await events.filter({ hasText: 'Attempts exhausted' }).first().waitFor();
    expect(await events.filter({ hasText: 'globex' }).count()).toBe(1);
  });

  it('signs out, forgetting the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('rowhook.adminToken'))).toBeNull();
  });

  it('works from the keyboard alone, with focus where the operator expects it', async () => {
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return { tag: el?.tagName, text: el?.textContent?.trim(), id: el?.id };
      });
    const tabTo = async (matches: (f: Awaited<ReturnType<typeof focused>>) => boolean) => {
      for (let i = 0; i < 60; i++) {
        if (matches(await focused())) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`never reached the element; focus is on ${JSON.stringify(await focused())}`);
    };
    // The token field has the focus on the sign-in page: type and press Enter.
    expect((await focused()).id).toBe('admin-token');
    await page.keyboard.type(TEST_ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Dead letters', level: 1 }).waitFor();

    // The three dead letters of the unreachable acme endpoint are still there.
    await page.getByRole('table', { name: /newest failure first/ }).waitFor();
    await tabTo((f) => f.tag === 'A' && (f.text ?? '').startsWith('dlv_'));
    const id = (await focused()).text;
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Dead letter ${id}` }).waitFor();
    expect((await focused()).text).toBe(`Dead letter ${id}`);

    await tabTo((f) => f.id === 'discard-one');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Discard this dead letter?' }).waitFor();
    expect((await focused()).id).toBe('confirm-cancel');
    await page.keyboard.press('Escape');
    expect((await focused()).id).toBe('discard-one');
    expect((await deadLetters('limit=100')).map((d) => d.id)).toContain(id);
    expect(pageErrors).toEqual([]);
  });
});
