/**
 * From flags and files to a job spec and its inputs: the part `run` and
 * `submit` share. Large inputs (JSON Lines, CSV, stdin) are streamed, never
 * read whole; a `.json` file is an array sent inline with the spec.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { JobSpecInput, SubmitOptions } from '../client/index.ts';
import {
  numberFlag,
  stringFlag,
  UsageError,
  type Options,
  type Parsed,
} from './args.ts';

export const SPEC_OPTIONS: Options = {
  name: {
    type: 'string',
    value: 'NAME',
    doc: 'job name (default: the file name)',
  },
  description: { type: 'string', value: 'TEXT', doc: 'shown to volunteers' },
  redundancy: { type: 'string', value: 'N', doc: 'replicas issued at first' },
  quorum: {
    type: 'string',
    value: 'N',
    doc: 'agreeing results that settle a task (2)',
  },
  'max-replicas': {
    type: 'string',
    value: 'N',
    doc: 'replicas before a task fails (5)',
  },
  compare: { type: 'string', value: 'MODE', doc: 'exact or tolerance (exact)' },
  abs: {
    type: 'string',
    value: 'X',
    doc: 'absolute tolerance (implies --compare tolerance)',
  },
  rel: {
    type: 'string',
    value: 'X',
    doc: 'relative tolerance (implies --compare tolerance)',
  },
  'timeout-ms': {
    type: 'string',
    value: 'MS',
    doc: 'time limit of one task (60000)',
  },
  weight: { type: 'string', value: 'W', doc: 'priority weight (1)' },
  'estimated-task-ms': {
    type: 'string',
    value: 'MS',
    doc: 'expected time of one task (1000)',
  },
};

export const INPUT_OPTIONS: Options = {
  inputs: {
    type: 'string',
    value: 'FILE',
    doc: '.jsonl/.ndjson or .csv (streamed), .json (an array), or - for stdin',
  },
  range: {
    type: 'string',
    value: 'A:B[:STEP]',
    doc: 'inputs {start, end} in chunks of STEP',
  },
};

/** The spec field each flag sets, so a server error can point back at the flag. */
export const FLAG_OF_FIELD: Record<string, string> = {
  name: '--name',
  description: '--description',
  redundancy: '--redundancy',
  quorum: '--quorum',
  maxReplicas: '--max-replicas',
  compare: '--compare',
  timeoutMs: '--timeout-ms',
  weight: '--weight',
  estimatedTaskMs: '--estimated-task-ms',
  range: '--range',
  'range.end': '--range',
  'range.step': '--range',
};

/** The job module's text and the spec its flags describe (without inputs). */
export async function specFromFlags(
  codePath: string,
  values: Parsed['values'],
): Promise<JobSpecInput> {
  const code = await readFile(codePath, 'utf8');
  const spec: JobSpecInput = {
    name: stringFlag(values, 'name') ?? basename(codePath, extname(codePath)),
    code,
  };
  const description = stringFlag(values, 'description');
  if (description !== undefined) spec.description = description;
  const numbers = [
    ['redundancy', 'redundancy', 'integer'],
    ['quorum', 'quorum', 'integer'],
    ['max-replicas', 'maxReplicas', 'integer'],
    ['timeout-ms', 'timeoutMs', 'integer'],
    ['weight', 'weight', 'number'],
    ['estimated-task-ms', 'estimatedTaskMs', 'number'],
  ] as const;
  for (const [flag, field, kind] of numbers) {
    const n = numberFlag(values, flag, kind);
    if (n !== undefined) spec[field] = n;
  }
  const compare = compareFrom(values);
  if (compare !== undefined) spec.compare = compare;
  return spec;
}

function compareFrom(values: Parsed['values']): JobSpecInput['compare'] {
  const mode = stringFlag(values, 'compare');
  const abs = numberFlag(values, 'abs', 'number');
  const rel = numberFlag(values, 'rel', 'number');
  if (mode !== undefined && mode !== 'exact' && mode !== 'tolerance')
    throw new UsageError(`--compare must be exact or tolerance, got '${mode}'`);
  const tolerances = abs !== undefined || rel !== undefined;
  if (mode === 'exact' && tolerances)
    throw new UsageError('--abs and --rel need --compare tolerance, not exact');
  if (!tolerances) return mode;
  return {
    mode: 'tolerance',
    ...(abs !== undefined ? { abs } : {}),
    ...(rel !== undefined ? { rel } : {}),
  };
}

export type InputSource =
  | { kind: 'spec'; spec: Partial<JobSpecInput> }
  | { kind: 'stream'; upload: NonNullable<SubmitOptions['upload']> };

/**
 * Where the inputs come from: --inputs (`-` is stdin), --range, or, for
 * `run`, stdin when neither is given.
 */
export async function inputsFromFlags(
  values: Parsed['values'],
  stdin: NodeJS.ReadStream,
  stdinByDefault: boolean,
): Promise<InputSource> {
  const file = stringFlag(values, 'inputs');
  const range = stringFlag(values, 'range');
  if (file !== undefined && range !== undefined)
    throw new UsageError('give --inputs or --range, not both');
  if (range !== undefined)
    return { kind: 'spec', spec: { range: parseRange(range) } };
  if (file === '-' || (file === undefined && stdinByDefault))
    return fromStdin(stdin);
  if (file === undefined)
    throw new UsageError(
      'give the inputs: --inputs FILE or --range A:B[:STEP]',
    );
  return fromFile(file);
}

function fromStdin(stdin: NodeJS.ReadStream): InputSource {
  if (stdin.isTTY)
    throw new UsageError(
      'inputs are read from stdin as JSON Lines; ' +
        'redirect a file in (< inputs.jsonl) or give --inputs FILE',
    );
  return { kind: 'stream', upload: { format: 'jsonl', body: stdin } };
}

async function fromFile(path: string): Promise<InputSource> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    const inputs = parseJsonArray(path, await readFile(path, 'utf8'));
    return { kind: 'spec', spec: { inputs } };
  }
  const format =
    ext === '.csv'
      ? 'csv'
      : ext === '.jsonl' || ext === '.ndjson'
        ? 'jsonl'
        : undefined;
  if (!format)
    throw new UsageError(
      `--inputs: cannot tell the format of '${path}'; name it .jsonl, .ndjson, .csv or .json`,
    );
  // Open now, so a missing file is reported before the job is created.
  const stream = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  return { kind: 'stream', upload: { format, body: stream } };
}

function parseJsonArray(path: string, text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `--inputs: ${path} is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (!Array.isArray(value))
    throw new UsageError(`--inputs: ${path} must hold a JSON array of inputs`);
  return value;
}

/** `A:B` or `A:B:STEP`, whole numbers; the server checks that B > A. */
export function parseRange(text: string): {
  start: number;
  end: number;
  step?: number;
} {
  const m = /^(-?\d+):(-?\d+)(?::(\d+))?$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `--range must look like START:END or START:END:STEP, got '${text}'`,
    );
  const range: { start: number; end: number; step?: number } = {
    start: Number(m[1]),
    end: Number(m[2]),
  };
  if (m[3] !== undefined) range.step = Number(m[3]);
  return range;
}
