/**
 * Progress bars on stderr, one per job, redrawn in place on a terminal and
 * printed as plain lines now and then anywhere else.
 */

export interface JobProgress {
  name: string;
  state: string;
  total: number;
  settled: number;
  failed: number;
}

const BAR_WIDTH = 30;
const PLAIN_INTERVAL_MS = 5000;

export function progressLine(job: JobProgress, nameWidth: number): string {
  const ended = job.settled + job.failed;
  const share = job.total === 0 ? 0 : ended / job.total;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  const failed = job.failed > 0 ? `, ${job.failed} failed` : '';
  return (
    `${job.name.padEnd(nameWidth)} ${bar} ` +
    `${String(job.settled).padStart(String(job.total).length)}/${job.total} ` +
    `settled${failed} (${job.state})`
  );
}

export class ProgressBoard {
  private drawnLines = 0;
  private lastPlainAt = 0;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  /** Draws the bars; `final` prints them even between plain intervals. */
  render(jobs: JobProgress[], footer: string, final = false): void {
    const nameWidth = Math.max(...jobs.map((j) => j.name.length));
    const lines = [...jobs.map((j) => progressLine(j, nameWidth)), footer];
    if (!this.out.isTTY) return this.plain(lines, final);
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.out.write(up + lines.map((l) => `\r${l}\x1b[K\n`).join(''));
    this.drawnLines = lines.length;
  }

  private plain(lines: string[], final: boolean): void {
    const now = Date.now();
    if (!final && now - this.lastPlainAt < PLAIN_INTERVAL_MS) return;
    this.lastPlainAt = now;
    this.out.write(lines.join('\n') + '\n');
  }
}
