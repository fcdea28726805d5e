/** The machine and the versions a run used, so that runs can be compared. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT } from './proc.ts';

export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memMb: Math.round(os.totalmem() / 2 ** 20),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function versions() {
  const db = new Database(':memory:');
  const sqlite = (
    db.prepare('select sqlite_version() as v').get() as { v: string }
  ).v;
  db.close();
  return {
    node: process.version,
    'better-sqlite3': packageVersion('better-sqlite3'),
    sqlite,
    ws: packageVersion('ws'),
    fastify: packageVersion('fastify'),
    bullmq: packageVersion('bullmq'),
    redis: commandVersion('redis-server', ['--version'], /v=(\S+)/),
    chromium: commandVersion(
      '/usr/bin/chromium',
      ['--version'],
      /Chromium (\S+)/,
    ),
    'playwright-core': packageVersion('playwright-core'),
  };
}

function packageVersion(name: string): string | null {
  try {
    const text = readFileSync(
      join(ROOT, 'node_modules', name, 'package.json'),
      'utf8',
    );
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return null;
  }
}

function commandVersion(
  command: string,
  args: string[],
  pattern: RegExp,
): string | null {
  try {
    const out = execFileSync(command, args, {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return pattern.exec(out)?.[1] ?? out.trim();
  } catch {
    return null;
  }
}
