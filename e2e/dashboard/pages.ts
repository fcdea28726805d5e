/**
 * Dashboard pages for the end-to-end tests: one browser context per person
 * (so each has its own sessionStorage, hence its own signed-in key), with
 * every page error and console error collected.
 *
 * A refused API call makes Chromium log "Failed to load resource: the server
 * responded with a status of N". A test that provokes such a refusal on
 * purpose names the statuses it expects; any other console error counts.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface DashboardPage {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** API refusals the test provokes on purpose, by HTTP status. */
  expectStatuses?: number[];
  viewport?: { width: number; height: number };
}

const REFUSED =
  /^Failed to load resource: the server responded with a status of (\d+)/;

export class Dashboards {
  readonly problems: string[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly baseUrl: string,
  ) {}

  /** Opens the dashboard at `path` in a fresh context and signs in with `key`. */
  async signedIn(
    key: string,
    path = '/dashboard',
    options: OpenOptions = {},
  ): Promise<DashboardPage> {
    const opened = await this.open(path, options);
    await signIn(opened.page, key);
    return opened;
  }

  async open(path: string, options: OpenOptions = {}): Promise<DashboardPage> {
    const context = await this.browser.newContext({
      viewport: options.viewport ?? { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const expected = new Set(options.expectStatuses ?? []);
    page.on('pageerror', (err) =>
      this.problems.push(`page error: ${err.message}`),
    );
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const url = message.location().url;
      const status = REFUSED.exec(message.text())?.[1];
      if (status && expected.has(Number(status)) && url.includes('/api/'))
        return;
      this.problems.push(`console error: ${message.text()} at ${url}`);
    });
    await page.goto(this.baseUrl + path);
    return { context, page, close: () => context.close() };
  }
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByTestId('api-key-input').fill(key);
  await page.getByTestId('sign-in-button').click();
  await page.getByTestId('who-name').waitFor();
}

/** Waits until the element's text is exactly `text`. */
export async function waitForText(
  page: Page,
  testId: string,
  text: string,
): Promise<void> {
  await page
    .getByTestId(testId)
    .filter({ hasText: exact(text) })
    .waitFor();
}

/** Waits until the element's `data-state` is `state`. */
export async function waitForState(
  page: Page,
  testId: string,
  state: string,
): Promise<void> {
  await page
    .locator(`[data-testid="${testId}"][data-state="${state}"]`)
    .waitFor();
}

/** The little of the DOM that functions run in the page use; e2e has no DOM types. */
interface PageGlobals {
  document: {
    querySelector(selector: string): {
      value?: string;
      textContent: string | null;
    } | null;
  };
  MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: Record<string, boolean>): void;
  };
  recorded?: Record<string, string[]>;
}

/** Waits until the input's value is exactly `value`. */
export async function waitForValue(
  page: Page,
  testId: string,
  value: string,
): Promise<void> {
  await page.waitForFunction(
    ([id, want]) => {
      const { document } = globalThis as unknown as PageGlobals;
      return document.querySelector(`[data-testid="${id}"]`)?.value === want;
    },
    [testId, value] as const,
  );
}

/**
 * Records every text the element `testId` takes from now on; the returned
 * function reads them, oldest first.
 */
export async function recordTexts(
  page: Page,
  testId: string,
): Promise<() => Promise<string[]>> {
  await page.evaluate((id) => {
    const g = globalThis as unknown as PageGlobals;
    const el = g.document.querySelector(`[data-testid="${id}"]`);
    if (!el) throw new Error(`no element ${id} to record`);
    const texts: string[] = [];
    (g.recorded ??= {})[id] = texts;
    new g.MutationObserver(() => texts.push(el.textContent ?? '')).observe(el, {
      subtree: true,
      characterData: true,
      childList: true,
    });
  }, testId);
  return () =>
    page.evaluate(
      (id) => (globalThis as unknown as PageGlobals).recorded?.[id] ?? [],
      testId,
    );
}

function exact(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** Clicks the element `testId` and returns the file the page downloads. */
export async function downloadText(
  page: Page,
  testId: string,
): Promise<{
  name: string;
  text: string;
}> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(testId).click(),
  ]);
  const path = await download.path();
  return {
    name: download.suggestedFilename(),
    text: await readFile(path, 'utf8'),
  };
}
