/** The bench's handle on one load-generator process (bench/loadgen/main.ts). */
import type { ChildProcess } from 'node:child_process';
import { ask, forkScript, memoryOf, nextMessage, stopChild } from './proc.ts';
import type { LatencySummary } from '../loadgen/samples.ts';
import type { VolunteersCommand } from '../loadgen/volunteers.ts';
import type { EchoCommand, EchoReport } from '../loadgen/echo.ts';

export interface LoadStats {
  results: number;
  assigns: number;
  errors: number;
  /** Leases the coordinator cancelled (settled elsewhere, or expired). */
  cancels: number;
  latency: LatencySummary | null;
}

export class LoadGen {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<LoadGen> {
    const child = forkScript('loadgen/main.ts');
    await nextMessage(
      child,
      (m) => m?.event === 'ready',
      30_000,
      'load generator',
    );
    return new LoadGen(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  memory() {
    return memoryOf(this.pid);
  }

  async volunteers(
    command: VolunteersCommand,
    timeoutMs = 120_000,
  ): Promise<number> {
    const reply = await ask<{ joined: number }>(
      this.child,
      { cmd: 'volunteers', timeoutMs, ...command },
      'connected',
      timeoutMs + 5_000,
    );
    return reply.joined;
  }

  pace(ratePerSec: number): Promise<unknown> {
    return ask(this.child, { cmd: 'pace', ratePerSec }, 'paced');
  }

  reset(): Promise<unknown> {
    return ask(this.child, { cmd: 'reset' }, 'reset');
  }

  stats(): Promise<LoadStats> {
    return ask<LoadStats>(this.child, { cmd: 'stats' }, 'stats');
  }

  echo(command: EchoCommand): Promise<EchoReport> {
    const bound = command.warmupMs + command.durationMs + 120_000;
    return ask<EchoReport>(
      this.child,
      { cmd: 'echo', ...command },
      'echoed',
      bound,
    );
  }

  async stop(): Promise<void> {
    try {
      await ask(this.child, { cmd: 'close' }, 'closed', 10_000);
    } catch {
      // Already gone or stuck: the signal below ends it either way.
    }
    await stopChild(this.child, 5_000);
  }
}
