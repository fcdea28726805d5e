/**
 * The one way tabgrid's tools start a browser: Debian's Chromium, driven by
 * playwright-core, never a browser that Playwright downloads.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { DEFAULT_EXECUTABLE } from './options.ts';

/** Headless, no sandbox (containers), and no traffic of the browser's own. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(
  executablePath = DEFAULT_EXECUTABLE,
): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: install Debian's chromium package ` +
        `or pass executablePath`,
    );
  }
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
}
