/**
 * Reads a V8 `.cpuprofile` and ranks where the time went: self time per
 * function (with file and line) and per source area (our server code, ws,
 * better-sqlite3, zod, GC, idle), so a profile can be read without DevTools.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  where: string;
  selfMs: number;
  share: number;
}

export function readProfile(path: string): {
  total: number;
  functions: HotSpot[];
  areas: HotSpot[];
} {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const functions = new Map<string, HotSpot>();
  const areas = new Map<string, HotSpot>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const ms = us / 1000;
    total += ms;
    const where = `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const name = frame.functionName || '(anonymous)';
    add(functions, `${name} ${where}`, name, where, ms);
    const area = areaOf(frame.url, name);
    add(areas, area, area, '', ms);
  }
  const ranked = (m: Map<string, HotSpot>) =>
    [...m.values()]
      .map((h) => ({ ...h, share: h.selfMs / total }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return { total, functions: ranked(functions), areas: ranked(areas) };
}

function add(
  m: Map<string, HotSpot>,
  key: string,
  name: string,
  where: string,
  ms: number,
) {
  const h = m.get(key) ?? { name, where, selfMs: 0, share: 0 };
  h.selfMs += ms;
  m.set(key, h);
}

function shortUrl(url: string): string {
  const i = url.indexOf('node_modules/');
  if (i >= 0) return url.slice(i + 'node_modules/'.length);
  const s = url.search(/\/(server|shared)\//);
  return s >= 0
    ? url.slice(s + 1)
    : url.replace(/^file:\/\//, '') || '(native)';
}

function areaOf(url: string, name: string): string {
  if (
    name === '(idle)' ||
    name === '(program)' ||
    name === '(garbage collector)'
  )
    return name;
  if (/\/server\/store\/|better-sqlite3/.test(url))
    return 'store (SQLite, better-sqlite3)';
  if (/\/server\/scheduler\/|\/server\/verify\//.test(url))
    return 'scheduler and verify';
  if (/\/server\/ws\/|\/server\/coordinator/.test(url))
    return 'session and coordinator';
  if (/\/shared\//.test(url)) return 'shared (protocol, canonical JSON)';
  if (/node_modules\/ws\//.test(url)) return 'ws';
  if (/node_modules\/zod\//.test(url)) return 'zod';
  if (/node_modules\/(fastify|pino|@fastify)/.test(url))
    return 'fastify and pino';
  if (url.startsWith('node:') || url === '')
    return 'node internals and natives';
  return 'other';
}
