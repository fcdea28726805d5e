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
 * throttles its timers). V8 optimises job code on the task's own thread:
 * by default Chromium compiles it on a pool thread that a busy machine
 * starves, so a CPU-bound task stays in V8's slow tiers for seconds
 * (bench/probes/kernel-in-tab.ts measured 3.3× the CPU of Node for it).
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
  '--js-flags=--no-concurrent-recompilation --no-concurrent-osr',
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
