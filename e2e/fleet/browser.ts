/**
 * The one way tabgrid's tools start a browser: Debian's Chromium, driven by
 * playwright-core, never a browser that Playwright downloads.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { DEFAULT_EXECUTABLE } from './options.ts';

/**
 * Headless, no sandbox (containers), and no traffic of the browser's own.
 * Every tab is a volunteer working in the foreground: none is backgrounded
 * (Chromium lowers a background renderer's priority, `nice` +5, and
 * throttles its timers). V8 optimises job code on the task's own thread,
 * and without Maglev: in this headless Chromium a worker's background
 * compile jobs do not finish even on an idle machine, so by default a
 * CPU-bound kernel never leaves V8's slow tiers (3.8× Node's time per task,
 * every task); with synchronous TurboFan but Maglev on, a worker's first two
 * calls still ran at that speed. With these flags the first task costs ~1.2×
 * a warm one (bench/README.md, "Browser efficiency").
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--js-flags=--no-concurrent-recompilation --no-concurrent-osr --no-maglev',
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
