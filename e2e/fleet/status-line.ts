/**
 * The fleet's one live line on stderr: rewritten in place on a terminal,
 * printed as plain lines (at most one per interval) anywhere else, so that a
 * CI log stays short.
 */
import type { FleetStats } from './fleet.ts';

const PLAIN_INTERVAL_MS = 5000;

export function formatStats(stats: FleetStats, elapsedMs: number): string {
  const parts = [
    `${stats.alive}/${stats.tabs} tabs alive`,
    `${stats.connected} connected`,
    `${stats.running} running`,
    `${stats.tasksDone} tasks done`,
  ];
  const { closed, reloaded, offline } = stats.churned;
  if (closed + reloaded + offline > 0)
    parts.push(
      `churn ${closed} closed ${reloaded} reloaded ${offline} offline`,
    );
  if (stats.saboteurs + stats.colluders > 0)
    parts.push(
      `${stats.saboteurs} saboteurs ${stats.colluders} colluders ` +
        `(${stats.wrongOutputs} wrong outputs)`,
    );
  if (stats.problems > 0) parts.push(`${stats.problems} problems`);
  return `fleet ${formatSeconds(elapsedMs)}: ${parts.join(', ')}`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

export class LiveLine {
  private lastPlainAt = 0;
  private shown = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  update(text: string): void {
    if (this.out.isTTY) {
      const width = this.out.columns ?? 100;
      this.out.write(`\r${text.slice(0, width - 1)}\x1b[K`);
      this.shown = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastPlainAt < PLAIN_INTERVAL_MS) return;
    this.lastPlainAt = now;
    this.out.write(text + '\n');
  }

  /** Ends the line in place, so that what follows starts on a fresh one. */
  finish(): void {
    if (this.shown) this.out.write('\n');
    this.shown = false;
  }
}
