import type { TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium.js';

export { chromiumMissing } from '../../scripts/chromium.js';

/** What a page did that a test must see as a failure: console errors, uncaught exceptions, requests off 127.0.0.1. */
export interface PageWatch {
  readonly consoleErrors: string[];
  readonly offHostRequests: string[];
  readonly requests: string[];
}

export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { consoleErrors: [], offHostRequests: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watch.consoleErrors.push(String(error)));
  page.on('request', (request) => {
    const url = request.url();
    watch.requests.push(url);
    if (!url.startsWith('data:') && new URL(url).hostname !== '127.0.0.1') watch.offHostRequests.push(url);
  });
  return watch;
}

/** A browser for one test file: skipped with a clear message where Chromium is missing, closed at the end. */
export async function browserFor(t: Pick<TestContext, 'after'>): Promise<Browser> {
  const browser = await launchChromium();
  t.after(() => browser.close());
  return browser;
}
