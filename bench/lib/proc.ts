/**
 * Child processes of the bench: the coordinator, the echo server, the load
 * generators and the BullMQ side each run in their own process, so that
 * what one costs never hides in another's figure. Children speak to the
 * bench over Node's IPC channel, one JSON message per event.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts a TypeScript file of bench/ as a child with an IPC channel. */
export function forkScript(
  relativePath: string,
  options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {},
): ChildProcess {
  return fork(new URL(relativePath, new URL('../', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Resolves with the child's first IPC message that `match` accepts. */
export function nextMessage<T>(
  child: ChildProcess,
  match: (message: any) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const onMessage = (message: unknown) => {
      if (!match(message)) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (${code}) before ${what}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Sends a command and waits for the reply whose `event` is `reply`. */
export async function ask<T>(
  child: ChildProcess,
  command: object,
  reply: string,
  timeoutMs = 60_000,
): Promise<T> {
  const answer = nextMessage<T>(
    child,
    (m) => m?.event === reply || m?.event === 'failed',
    timeoutMs,
    reply,
  );
  child.send(command);
  const message = (await answer) as T & { event: string; error?: string };
  if (message.event === 'failed')
    throw new Error(`child failed: ${message.error ?? 'unknown error'}`);
  return message;
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(
  child: ChildProcess,
  graceMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface Memory {
  rssMb: number;
  peakRssMb: number;
}

/** VmRSS and VmHWM (the peak) of a process, from /proc. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : NaN;
  };
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));
