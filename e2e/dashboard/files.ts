/**
 * The files a requester picks in the dashboard tests, written to a temporary
 * folder: job code as `.mjs`, inputs as JSON Lines. The same code file is
 * imported here to compute the expected results locally.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Describes a number; the loop makes tasks take a little time, not a fixed time. */
export const DESCRIBE_CODE = `export default async ({ n }) => {
  let mix = n;
  for (let i = 0; i < 200000; i++) mix = (Math.imul(mix, 1664525) + 1013904223) >>> 0;
  return { n, square: n * n, odd: n % 2 === 1, mix };
};
`;

/**
 * Runs a range job where every task from `holdFrom` on never ends, so the
 * job stays running with a known number of tasks settled.
 */
export function heldRangeCode(holdFrom: number): string {
  return `export default async ({ start }) => {
  if (start >= ${holdFrom}) await new Promise(() => {});
  let mix = start;
  for (let i = 0; i < 4000000; i++) mix = (Math.imul(mix, 1103515245) + 12345) >>> 0;
  return mix;
};
`;
}

export class Files {
  readonly dir = mkdtempSync(join(tmpdir(), 'tabgrid-dashboard-'));

  write(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  jsonLines(name: string, values: unknown[]): string {
    return this.write(
      name,
      values.map((v) => JSON.stringify(v)).join('\n') + '\n',
    );
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Imports a job code file and runs it on each input, in order. */
export async function runLocally(
  codePath: string,
  inputs: unknown[],
): Promise<unknown[]> {
  const mod = (await import(pathToFileURL(codePath).href)) as {
    default: (input: unknown) => Promise<unknown>;
  };
  const outputs: unknown[] = [];
  for (const input of inputs) outputs.push(await mod.default(input));
  return outputs;
}
