import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../support/startTestRuntime.ts';
import { collectPageErrors, launchChromium, SCREENSHOT_VIEWPORT, screenshot } from './browser.ts';

const harness = useTestRuntime();
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  const { db } = harness.database;
  await db.query(
    'create table orders (id bigint primary key, tenant_id text not null, total numeric, placed_at timestamptz not null)',
  );
  await db.query(`select rowhook.track_table('orders', 'tenant_id')`);
  const put = await harness.api.call('PUT', '/v1/event-types/invoice.paid', TEST_ADMIN_TOKEN, {
    schema: { type: 'object', required: ['invoice'], properties: { invoice: { type: 'string' } } },
  });
  expect(put.status).toBe(200);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: SCREENSHOT_VIEWPORT, locale: 'en-GB', timezoneId: 'UTC' });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
});

describe('the console event catalog in a real browser', () => {
  it('lists every event type with its schema version and an example body', async () => {
    await page.goto(`${harness.runtime.apiUrl}/console`);
    await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dead letters', level: 1 }).waitFor();

    await page.getByRole('link', { name: 'Event catalog' }).click();
    await page.getByRole('heading', { name: 'Event catalog', level: 1 }).waitFor();
    const types = page.getByRole('table', { name: 'Event types, by name' });
    const rows = types.locator('tbody tr');
    await expect
      .poll(() => rows.locator('td:first-child').allTextContents())
      .toEqual(['invoice.paid', 'orders.created', 'orders.deleted', 'orders.updated']);
    const created = rows.filter({ hasText: 'orders.created' });
    expect(await created.locator('td').nth(1).textContent()).toBe('Tracked table orders');
    expect(await created.locator('td').nth(2).textContent()).toBe('v1');

    // Opening the example shows a body of that type, data shaped by the table's columns.
    await created.locator('summary').first().click();
    const example = JSON.parse(
      (await page.getByLabel('Example body of orders.created').textContent()) ?? '',
    ) as { type: string; data: Record<string, unknown> };
    expect(example).toMatchObject({
      type: 'orders.created',
      data: { id: 1, tenant_id: 'tenant_id', total: 9.99, placed_at: '2026-01-31T12:00:00.000000Z' },
    });
    const invoice = rows.filter({ hasText: 'invoice.paid' });
    expect(await invoice.locator('td').nth(1).textContent()).toBe('Published');
    await screenshot(page, 'event-catalog');
    expect(pageErrors).toEqual([]);
  });
});
