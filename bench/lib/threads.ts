/**
 * CPU milliseconds of the threads of this process's descendants, read from
 * /proc (Linux): how much CPU a fleet's tabs really got, by thread name.
 */
import { readFileSync, readdirSync } from 'node:fs';

const MS_PER_TICK = 10; // USER_HZ is 100 on Linux.

/** CPU ms of every descendant thread, keyed `pid/tid name`. */
export function threadCpuMs(root = process.pid): Map<string, number> {
  const out = new Map<string, number>();
  const children = childrenByParent();
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    stack.push(...(children.get(pid) ?? []));
    for (const tid of listDir(`/proc/${pid}/task`)) {
      const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (stat) out.set(`${pid}/${tid} ${stat.name}`, stat.cpuMs);
    }
  }
  return out;
}

/** CPU ms spent between two readings, summed per thread name. */
export function cpuMsByName(
  before: Map<string, number>,
  after: Map<string, number>,
): Record<string, number> {
  const byName: Record<string, number> = {};
  for (const [key, ms] of after) {
    const delta = ms - (before.get(key) ?? 0);
    if (delta <= 0) continue;
    const name = key.slice(key.indexOf(' ') + 1);
    byName[name] = (byName[name] ?? 0) + delta;
  }
  return byName;
}

/**
 * CPU ms of this process's descendant processes whose command line contains
 * `marker` (such as `--type=renderer`), threads that have ended included.
 */
export function processCpuMs(marker: string, root = process.pid): number {
  const children = childrenByParent();
  const stack = [...(children.get(root) ?? [])];
  let total = 0;
  while (stack.length > 0) {
    const pid = stack.pop()!;
    stack.push(...(children.get(pid) ?? []));
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes(marker)) continue;
    total += readStat(`/proc/${pid}/stat`)?.cpuMs ?? 0;
  }
  return total;
}

function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of listDir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(`/proc/${entry}/stat`);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  return children;
}

function readStat(
  path: string,
): { name: string; ppid: number; cpuMs: number } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null; // It ended meanwhile.
  }
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return {
    name: text.slice(text.indexOf('(') + 1, close),
    ppid: Number(fields[1]),
    cpuMs: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK,
  };
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
