import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (the `chromium` apt package); CI installs it, see .ci/run. */
export const CHROMIUM_PATH = process.env.ROWHOOK_CHROMIUM ?? '/usr/bin/chromium';

// Headless in a container as root, with nothing phoning home during a test.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export const SCREENSHOT_VIEWPORT = { width: 1280, height: 800 } as const;

const DOCS_DIR = path.resolve(import.meta.dirname, '..', '..', 'docs');

/**
 * Takes the screenshot every run (the view must render), but writes docs/<app>-<name>.png only
 * with ROWHOOK_SCREENSHOTS=1, so the test suite does not rewrite the docs on every run.
 */
export async function screenshot(page: Page, name: string, app = 'console'): Promise<Buffer> {
  const image = await page.screenshot({ fullPage: false });
  if (process.env.ROWHOOK_SCREENSHOTS === '1')
    await writeFile(path.join(DOCS_DIR, `${app}-${name}.png`), image);
  return image;
}

/** Errors the page logged (a CSP violation or a failing module shows up here). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    // A 404 from an API route the view can do without is expected; anything else is a bug.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      errors.push(message.text());
  });
  return errors;
}
