/**
 * The volunteer's choices and token, kept in localStorage under `tabgrid.`
 * keys. Stored values are checked on the way in: a hand-edited or stale
 * entry falls back to the default rather than breaking the page.
 */

import type { Settings } from './status.ts';

const SETTINGS_KEY = 'tabgrid.settings';
const TOKEN_KEY = 'tabgrid.token';
export const MIN_CPU_SHARE = 0.1;

/** Logical cores, as the browser reports them; at least 1. */
export function coreCount(): number {
  const cores = navigator.hardwareConcurrency;
  return Number.isInteger(cores) && cores > 0 ? cores : 1;
}

export function clampWorkers(workers: number, cores: number): number {
  if (!Number.isFinite(workers)) return Math.max(1, cores - 1);
  return Math.min(cores, Math.max(1, Math.round(workers)));
}

export function clampCpuShare(share: number): number {
  if (!Number.isFinite(share)) return 1;
  return Math.min(1, Math.max(MIN_CPU_SHARE, share));
}

export function defaultSettings(cores: number): Settings {
  return {
    workers: Math.max(1, cores - 1),
    cpuShare: 1,
    pauseWhenHidden: false,
    pauseOnBattery: false,
  };
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: settings last for this page only
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled or full: keep going without persistence
  }
}

export function loadSettings(cores: number): Settings {
  const settings = defaultSettings(cores);
  let stored: Partial<Record<keyof Settings, unknown>> = {};
  try {
    const parsed: unknown = JSON.parse(read(SETTINGS_KEY) ?? '{}');
    if (typeof parsed === 'object' && parsed !== null) stored = parsed;
  } catch {
    // unreadable entry: defaults
  }
  if (typeof stored.workers === 'number')
    settings.workers = clampWorkers(stored.workers, cores);
  if (typeof stored.cpuShare === 'number')
    settings.cpuShare = clampCpuShare(stored.cpuShare);
  if (typeof stored.pauseWhenHidden === 'boolean')
    settings.pauseWhenHidden = stored.pauseWhenHidden;
  if (typeof stored.pauseOnBattery === 'boolean')
    settings.pauseOnBattery = stored.pauseOnBattery;
  return settings;
}

export function saveSettings(settings: Settings): void {
  write(SETTINGS_KEY, JSON.stringify(settings));
}

export function loadToken(): string | undefined {
  return read(TOKEN_KEY) ?? undefined;
}

export function saveToken(token: string): void {
  write(TOKEN_KEY, token);
}
