import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPublicId } from '../../functions/core/ids/prefixedId.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../support/startTestRuntime.ts';
import { TestReceiver } from '../support/TestReceiver.ts';
import { waitForPipelineDrained } from '../support/waitForPipelineDrained.ts';
import { collectPageErrors, launchChromium, SCREENSHOT_VIEWPORT } from './browser.ts';

const harness = useTestRuntime();
const receiver = new TestReceiver();
let browser: Browser;
let page: Page;
let pageErrors: string[];
let endpoint: { id: string; secret: string };
let originals: string[];

beforeAll(async () => {
  await receiver.start();
  const tenant = await harness.api.createTenant('initech');
  endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url, maxConcurrency: 1 });
  const { db } = harness.database;
  await db.query('create table invoices (id bigint primary key, tenant_id text not null)');
  await db.query(`select rowhook.track_table('invoices', 'tenant_id')`);
  for (const id of [1, 2, 3]) await db.query(`insert into invoices values ($1, 'initech')`, [id]);
  await receiver.waitForCount(3);
  originals = receiver.received.map((w) => String(w.headers['webhook-id']));
  await waitForPipelineDrained(db, String(fromPublicId('evt', originals[2] ?? '')));

  browser = await launchChromium();
  page = await browser.newPage({ viewport: SCREENSHOT_VIEWPORT, locale: 'en-GB', timezoneId: 'UTC' });
  pageErrors = collectPageErrors(page);
  await page.goto(`${harness.runtime.apiUrl}/console`);
  await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Endpoints' }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await receiver.stop();
});

describe('recover and resend from the console', () => {
  it('recovers an endpoint from its row, following the job to the end, then resends one event', async () => {
    await page.getByRole('link', { name: 'Endpoints' }).click();
    // The only tenant is chosen on its own.
    const row = page.getByRole('table', { name: /Endpoints of initech/ }).locator('tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    const opener = row.getByRole('button', { name: /^Recover / });
    await opener.click();

    const dialog = page.getByRole('dialog', { name: 'Recover this endpoint' });
    await dialog.getByLabel('Events since').selectOption('1h');
    await dialog.getByRole('button', { name: 'Start recovery' }).click();
    await dialog.getByText('Re-sent 3 of 3 events.').waitFor();
    await receiver.waitForCount(6);
    const verifier = new Webhook(endpoint.secret);
    const resent = receiver.received.slice(3);
    expect(resent.map((w) => String(w.headers['webhook-id']))).toEqual(originals);
    for (const w of resent) verifier.verify(w.body, w.headers as Record<string, string>);

    await waitForPipelineDrained(harness.database.db, String(fromPublicId('evt', originals[2] ?? '')));
    await dialog.getByLabel('Resend one event (its id)').fill(String(originals[1]));
    await dialog.getByRole('button', { name: 'Resend', exact: true }).click();
    await dialog.getByText(`${originals[1]} queued again`).waitFor();
    await receiver.waitForCount(7);
    expect(receiver.received[6]?.headers['webhook-id']).toBe(originals[1]);

    await dialog.getByLabel('Resend one event (its id)').fill('evt_nope');
    await dialog.getByRole('button', { name: 'Resend', exact: true }).click();
    await dialog.getByText(/Could not resend: event "evt_nope" not found/).waitFor();

    // Escape closes it and gives the focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-endpoint-recover'))).toBe(
      endpoint.id,
    );
    expect(pageErrors).toEqual([]);
  });
});
