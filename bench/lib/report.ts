/** What a scenario hands back, and how the bench prints it. */
export interface ScenarioResult {
  /** The scenario's heading, such as "2. Coordinator throughput". */
  title: string;
  /** Table columns, then one row per measurement. */
  columns: string[];
  rows: (string | number)[][];
  /** Machine-readable figures for latest.json. */
  data: Record<string, unknown>;
  /** Why the scenario did not run, when it did not. */
  skipped?: string;
  notes?: string[];
}

export function printTable(result: ScenarioResult): void {
  const out = process.stdout;
  out.write(`\n## ${result.title}\n`);
  if (result.skipped) {
    out.write(`skipped: ${result.skipped}\n`);
    return;
  }
  const cells = [result.columns, ...result.rows.map((r) => r.map(formatCell))];
  const widths = result.columns.map((_, i) =>
    Math.max(...cells.map((row) => String(row[i] ?? '').length)),
  );
  const line = (row: (string | number)[]) =>
    '| ' + row.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ') + ' |';
  out.write(line(result.columns) + '\n');
  out.write('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|\n');
  for (const row of cells.slice(1)) out.write(line(row) + '\n');
  for (const note of result.notes ?? []) out.write(`note: ${note}\n`);
}

function formatCell(value: string | number): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

/** Rounds for JSON: three significant digits is what a noisy machine supports. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}
