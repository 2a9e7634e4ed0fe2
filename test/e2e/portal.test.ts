import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../support/startTestRuntime.ts';
import { TestReceiver } from '../support/TestReceiver.ts';
import { collectPageErrors, launchChromium, SCREENSHOT_VIEWPORT, screenshot } from './browser.ts';
import { focused, htmlServer, tabTo } from './pageSupport.ts';

/** The tenant portal (/portal) in Chromium, against the real local runtime. */
const harness = useTestRuntime({ ROWHOOK_RETRY_SCHEDULE: '100ms' });
const receiver = new TestReceiver();
let browser: Browser;
let page: Page;
let pageErrors: string[];
let acmeKey: string;
let endpointId = '';

async function portalUrl(body: Record<string, unknown> = {}) {
  const res = await harness.api.call('POST', '/v1/tenants/acme/portal-sessions', TEST_ADMIN_TOKEN, body);
  expect(res.status).toBe(201);
  return res.json as { id: string; url: string; token: string };
}

async function newPage(): Promise<Page> {
  const p = await browser.newPage({ viewport: SCREENSHOT_VIEWPORT, locale: 'en-GB', timezoneId: 'UTC' });
  pageErrors = collectPageErrors(p);
  return p;
}

beforeAll(async () => {
  await receiver.start();
  acmeKey = (await harness.api.createTenant('acme')).apiKey;
  browser = await launchChromium();
  page = await newPage();
});

afterAll(async () => {
  await browser?.close();
  await receiver.stop();
});

describe('the tenant portal in a real browser', () => {
  it('signs in from the portal URL and takes the token out of the address bar', async () => {
    const session = await portalUrl();
    await page.goto(session.url);
    await page.getByRole('heading', { name: 'Endpoints', level: 1 }).waitFor();
    expect(page.url()).not.toContain(session.token);
    expect(await page.evaluate(() => sessionStorage.getItem('rowhook.portalToken'))).toBe(session.token);
    await page.getByText('Signed in for acme').waitFor();
  });

  it('creates an endpoint, then edits it', async () => {
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Order sync');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const heading = page.getByRole('heading', { name: /^Endpoint ep_/, level: 1 });
    await heading.waitFor();
    endpointId = ((await heading.textContent()) ?? '').replace('Endpoint ', '');
    const created = await harness.api.call('GET', `/v1/endpoints/${endpointId}`, acmeKey);
    expect(created.json).toMatchObject({ url: receiver.url, description: 'Order sync', enabled: true });

    await page.getByRole('link', { name: 'Edit' }).click();
    await expect.poll(() => page.getByLabel('Description').inputValue()).toBe('Order sync');
    await page.getByLabel('Description').fill('Order sync (EU)');
    await page.getByLabel('Event types').fill('webhook.*, orders.*');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Order sync (EU)').waitFor();
    const edited = await harness.api.call('GET', `/v1/endpoints/${endpointId}`, acmeKey);
    expect(edited.json).toMatchObject({
      description: 'Order sync (EU)',
      eventTypes: ['webhook.*', 'orders.*'],
    });
  });

  it('reveals and rotates the secret; a test event arrives signed with the new one and shows in the log', async () => {
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const shown = page.locator('#secret-value');
    await expect.poll(() => shown.textContent()).toMatch(/^whsec_/);
    const first = await shown.textContent();
    expect((await harness.api.call('GET', `/v1/endpoints/${endpointId}/secret`, acmeKey)).json.secret).toBe(
      first,
    );

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
    await page
      .locator('#secret-note')
      .getByText(/^Secret rotated\./)
      .waitFor();
    const rotated = (await shown.textContent()) ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(first);
    expect((await harness.api.call('GET', `/v1/endpoints/${endpointId}/secret`, acmeKey)).json.secret).toBe(
      rotated,
    );

    await page.getByRole('button', { name: 'Send test event' }).click();
    await page
      .locator('#endpoint-status')
      .getByText(/^Test event evt_\w+ sent/)
      .waitFor();
    await receiver.waitForCount(1);
    const webhook = receiver.received[0];
    expect(() =>
      new Webhook(rotated).verify(webhook?.body ?? '', webhook?.headers as Record<string, string>),
    ).not.toThrow();
    expect(JSON.parse(webhook?.body ?? '')).toMatchObject({ type: 'webhook.test', data: { endpointId } });

    const log = page.getByRole('table', { name: 'Delivery attempts, newest first' });
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).last().click();
          return log.locator('tbody tr:not(.attempt-detail)').filter({ hasText: 'webhook.test' }).count();
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(await log.textContent()).toContain('HTTP 200');
    await log.getByRole('button', { name: /^Details of attempt 1 of evt_/ }).click();
    await log.getByText(/^dlv_/).first().waitFor();
    await screenshot(page, 'endpoint', 'portal');
  });

  it('filters the log by outcome and event type', async () => {
    const rows = page
      .getByRole('table', { name: 'Delivery attempts, newest first' })
      .locator('tbody tr:not(.attempt-detail)');
    await page.getByLabel('Outcome').selectOption('failed');
    await page.getByText('No attempt matches the filters').waitFor();
    await page.getByLabel('Outcome').selectOption('delivered');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Event type contains').fill('orders.');
    await page.getByText('No attempt matches the filters').waitFor();
    await page.getByLabel('Event type contains').fill('');
    await page.getByLabel('Outcome').selectOption('all');
  });

  it('draws the 24-hour charts from non-empty per-minute stats', async () => {
    // Some traffic with a spread of answers: every third request 503, latencies from 10 to 130 ms.
    receiver.respondWith((_req, i, res) => {
      setTimeout(() => res.writeHead(i % 3 === 2 ? 503 : 200).end('ok'), 10 + ((i * 37) % 120));
    });
    for (let i = 0; i < 12; i++) await harness.api.call('POST', `/v1/endpoints/${endpointId}/test`, acmeKey);
    await expect
      .poll(
        async () => {
          // Every test event published and every delivery settled (delivered or dead).
          const [open] = await harness.database.db.query<{ n: number }>(
            `select (select count(*) from rowhook.outbox where published_at is null)
                  + (select count(*) from rowhook.deliveries where state = 'pending') as n`,
          );
          return Number(open?.n);
        },
        { timeout: 15_000 },
      )
      .toBe(0);
    receiver.respondWith((_req, _i, res) => res.writeHead(200).end('ok'));

    const stats = await harness.api.call('GET', `/v1/endpoints/${endpointId}/stats`, acmeKey);
    expect(stats.json.buckets.length).toBeGreaterThan(0);
    const sum = (key: 'delivered' | 'failed') =>
      stats.json.buckets.reduce((n: number, b: Record<string, number>) => n + (b[key] ?? 0), 0);
    expect(sum('failed')).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    const charts = page.locator('#endpoint-charts');
    await charts
      .getByText(`Last 24 hours: ${sum('delivered')} delivered, ${sum('failed')} failed attempts`, {
        exact: false,
      })
      .waitFor();
    await expect.poll(() => charts.locator('canvas').count()).toBe(2);
    const size = await charts.locator('canvas').first().boundingBox();
    expect(size?.width).toBeGreaterThan(300);
    await page.locator('#charts-title').scrollIntoViewIfNeeded();
    await screenshot(page, 'charts', 'portal');
  });

  it("shows the API's answer for resend and recover", async () => {
    const log = page.getByRole('table', { name: 'Delivery attempts, newest first' });
    // Its detail stayed open from before, through the filter changes and reloads.
    const details = log.getByRole('button', { name: /^Details of attempt 1 of evt_/, expanded: true });
    expect(await details.count()).toBe(1);
    const eventId = String(await details.getAttribute('aria-label')).replace(/^Details of attempt 1 of /, '');
    const resend = page.waitForResponse((r) => /\/resend$/.test(r.url()));
    await log.getByRole('button', { name: new RegExp(`^Resend ${eventId}`) }).click();
    const answer = await (await resend).json();
    const expected = answer.error
      ? `Resend failed: ${answer.error.message}`
      : `Resent as delivery ${answer.deliveryId}.`;
    await log.getByText(expected).waitFor();

    await page.getByLabel('Since').fill('2026-01-01T00:00');
    const recover = page.waitForResponse((r) => /\/recover$/.test(r.url()));
    await page.getByRole('button', { name: 'Recover', exact: true }).click();
    const recovered = await (await recover).json();
    const text = recovered.error
      ? `Recover failed: ${recovered.error.message}`
      : `Recovery ${recovered.id} started`;
    await page.locator('#recover-result').getByText(text, { exact: false }).waitFor();
  });

  it('disables and enables the endpoint, then deletes it after confirmation', async () => {
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('Disabled', { exact: true }).waitFor();
    expect((await harness.api.call('GET', `/v1/endpoints/${endpointId}`, acmeKey)).json.enabled).toBe(false);
    // The rebuilt page keeps the focus on the same button.
    expect((await focused(page)).id).toBe('toggle-endpoint');
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByText('Enabled', { exact: true }).waitFor();
    expect((await harness.api.call('GET', `/v1/endpoints/${endpointId}`, acmeKey)).json.enabled).toBe(true);

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await harness.api.call('GET', `/v1/endpoints/${endpointId}`, acmeKey)).status).toBe(200);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Endpoints', level: 1 }).waitFor();
    expect((await harness.api.call('GET', `/v1/endpoints/${endpointId}`, acmeKey)).status).toBe(404);
    expect(pageErrors).toEqual([]);
  });

  it('works from the keyboard alone, with a visible focus ring', async () => {
    const p = await newPage();
    await p.goto((await portalUrl()).url);
    await p.getByRole('heading', { name: 'Endpoints', level: 1 }).waitFor();
    await tabTo(p, (f) => f.id === 'add-endpoint');
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Add endpoint', level: 1 }).waitFor();
    expect((await focused(p)).id).toBe('endpoint-url');
    await p.keyboard.type(receiver.url);
    await p.keyboard.press('Enter');
    const heading = p.getByRole('heading', { name: /^Endpoint ep_/, level: 1 });
    await heading.waitFor();
    const id = ((await heading.textContent()) ?? '').replace('Endpoint ', '');

    const before = receiver.received.length;
    await tabTo(p, (f) => f.id === 'send-test');
    await p.keyboard.press('Enter');
    await p
      .locator('#endpoint-status')
      .getByText(/^Test event evt_\w+ sent/)
      .waitFor();
    await receiver.waitForCount(before + 1);

    await tabTo(p, (f) => f.id === 'delete-endpoint');
    await p.keyboard.press('Enter');
    await p.getByRole('dialog', { name: 'Delete this endpoint?' }).waitFor();
    expect((await focused(p)).id).toBe('confirm-cancel');
    await p.keyboard.press('Escape');
    expect((await focused(p)).id).toBe('delete-endpoint');
    await p.keyboard.press('Enter');
    await p.keyboard.press('Tab');
    expect((await focused(p)).id).toBe('confirm-ok');
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Endpoints', level: 1 }).waitFor();
    expect((await harness.api.call('GET', `/v1/endpoints/${id}`, acmeKey)).status).toBe(404);
    expect(pageErrors).toEqual([]);
    await p.close();
  });

  it('offers a read-only session no way to change anything, and the API refuses it too', async () => {
    const kept = await harness.api.createEndpoint(acmeKey, { url: receiver.url, description: 'Kept' });
    const session = await portalUrl({ readOnly: true });
    const p = await newPage();
    await p.goto(session.url);
    await p.getByRole('heading', { name: 'Endpoints', level: 1 }).waitFor();
    await p.getByText('Read-only', { exact: true }).waitFor();
    expect(await p.getByRole('link', { name: 'Add endpoint' }).count()).toBe(0);
    await p.getByRole('link', { name: receiver.url }).click();
    await p.getByRole('heading', { name: `Endpoint ${kept.id}` }).waitFor();
    await p.getByRole('button', { name: 'Reveal secret' }).waitFor();
    await p
      .getByRole('table', { name: 'Delivery attempts, newest first' })
      .or(p.getByText('No deliveries yet'))
      .waitFor();
    for (const name of [
      'Edit',
      'Disable',
      'Send test event',
      'Delete',
      'Rotate secret',
      'Recover',
      'Resend this event',
    ]) {
      expect({ name, count: await p.getByRole('button', { name, exact: true }).count() }).toEqual({
        name,
        count: 0,
      });
    }
    expect(await p.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    await screenshot(p, 'read-only', 'portal');
    // Going to the form by URL shows a notice, not the form.
    await p.goto(`${new URL(session.url).origin}/portal/?session=${session.id}#/endpoints/new`);
    await p.getByRole('heading', { name: 'Read-only session' }).waitFor();
    // And the API refuses the session's own token from the page.
    const refused = await p.evaluate(
      async ([path, token]) => {
        const res = await fetch(path as string, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        return { status: res.status, body: await res.json() };
      },
      [`/v1/endpoints/${kept.id}/test`, session.token],
    );
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'read_only_session' } } });
    expect(pageErrors).toEqual([]);
    await p.close();
  });

  it('sends an expired session back to sign in, saying why', async () => {
    const session = await portalUrl({ expiresIn: 60 });
    await harness.database.db.query(
      "update rowhook.portal_sessions set expires_at = now() - interval '1 second' where id = $1",
      [session.id],
    );
    const p = await newPage();
    await p.goto(session.url);
    await p.getByRole('heading', { name: 'Sign in' }).waitFor();
    await p.getByText(/the portal session expired at/).waitFor();
    await p.close();
  });

  it('can be framed by an origin the tenant allows, and by no other', async () => {
    // Two SaaS settings pages with the portal in an iframe, each a real server on loopback (Chromium
    // keeps public sites from framing loopback addresses) on its own port, so its own origin.
    const session = await portalUrl();
    const body = `<h1>SaaS settings</h1><iframe src="${session.url}" width="1200" height="640"></iframe>`;
    const [saas, evil] = await Promise.all([htmlServer(body), htmlServer(body)]);
    try {
      await harness.api.call('PATCH', '/v1/tenants/acme', TEST_ADMIN_TOKEN, {
        portalFrameAncestors: [saas.origin],
      });
      const allowed = await newPage();
      await allowed.goto(`${saas.origin}/settings`);
      await allowed.frameLocator('iframe').getByRole('heading', { name: 'Endpoints', level: 1 }).waitFor();
      await screenshot(allowed, 'embedded', 'portal');

      const blocked = await newPage();
      const violation = blocked.waitForEvent('console', (m) => /frame-ancestors/.test(m.text()));
      await blocked.goto(`${evil.origin}/settings`);
      await violation;
      expect(await blocked.frameLocator('iframe').getByRole('heading').count()).toBe(0);
      await allowed.close();
      await blocked.close();
    } finally {
      await Promise.all([saas.close(), evil.close()]);
    }
  });
});

describe('the operator console charts', () => {
  it('draws every tenant’s deliveries per minute, and one tenant’s', async () => {
    const p = await newPage();
    await p.goto(`${harness.runtime.apiUrl}/console/`);
    await p.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Dead letters', level: 1 }).waitFor();
    await p.getByRole('link', { name: 'Charts' }).click();
    const charts = p.locator('#operator-charts');
    await charts.getByText(/^All tenants, last 24 hours: \d+ delivered/).waitFor();
    await expect.poll(() => charts.locator('canvas').count()).toBe(2);
    const all = await harness.api.call('GET', '/v1/stats', TEST_ADMIN_TOKEN);
    const delivered = all.json.buckets.reduce((n: number, b: { delivered: number }) => n + b.delivered, 0);
    expect(delivered).toBeGreaterThan(0);
    await charts.getByText(`All tenants, last 24 hours: ${delivered} delivered`, { exact: false }).waitFor();
    await screenshot(p, 'charts');

    await p.getByLabel('Tenant', { exact: true }).selectOption('acme');
    await p.getByRole('button', { name: 'Show charts' }).click();
    await charts.getByText(/^acme, last 24 hours/).waitFor();
    await expect.poll(() => charts.locator('canvas').count()).toBe(2);
    expect(pageErrors).toEqual([]);
    await p.close();
  });
});
