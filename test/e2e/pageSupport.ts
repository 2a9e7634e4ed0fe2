import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** What has the keyboard focus, and its outline (the visible focus ring). */
export const focused = (p: Page) =>
  p.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const style = el ? getComputedStyle(el) : undefined;
    return {
      tag: el?.tagName,
      id: el?.id,
      text: el?.textContent?.trim(),
      outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
    };
  });

/** Tabs until `matches` holds, failing after 60 presses; the focus ring must show on the way. */
export async function tabTo(p: Page, matches: (f: Awaited<ReturnType<typeof focused>>) => boolean) {
  for (let i = 0; i < 60; i++) {
    const f = await focused(p);
    if (matches(f)) {
      expect(f.outline).toBe('solid 3px');
      return;
    }
    await p.keyboard.press('Tab');
  }
  throw new Error(`never reached the element; focus is on ${JSON.stringify(await focused(p))}`);
}

/** A page server on 127.0.0.1 answering `html` to every request. */
export async function htmlServer(html: string) {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
