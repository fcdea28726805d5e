/**
 * The job spec: what a requester sends to create a job, whether through the
 * dashboard, the REST API, the CLI or the Node client. The server validates
 * it with `parseSpec`, which names the field at fault.
 */
import { z } from 'zod';
import { TabgridError } from './errors.ts';

const tolerance = z
  .object({
    mode: z.literal('tolerance'),
    abs: z.number().nonnegative().default(1e-9),
    rel: z.number().nonnegative().default(1e-9),
  })
  .strict();

/** How replicas' outputs are compared: canonical JSON, or numbers within a tolerance. */
export const compareSchema = z.union([
  z.literal('exact'),
  z
    .literal('tolerance')
    .transform(() => ({ mode: 'tolerance' as const, abs: 1e-9, rel: 1e-9 })),
  tolerance,
]);

const taskSchema = z
  .object({
    input: z.unknown(),
    weight: z.number().positive().optional(),
    estimatedTaskMs: z.number().positive().optional(),
  })
  .strict();

const rangeSchema = z
  .object({
    start: z.number().int(),
    end: z.number().int(),
    step: z.number().int().positive().default(1),
  })
  .strict()
  .refine((r) => r.end > r.start, {
    message: 'end must be greater than start',
    path: ['end'],
  });

const replicas = z.number().int().min(1).max(16);

export const specSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(4000).default(''),
    code: z.string().min(1),
    inputs: z.array(z.unknown()).optional(),
    tasks: z.array(taskSchema).optional(),
    range: rangeSchema.optional(),
    upload: z.literal(true).optional(),
    redundancy: replicas.optional(),
    quorum: replicas.default(2),
    maxReplicas: replicas.optional(),
    compare: compareSchema.default('exact'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(24 * 3600 * 1000)
      .default(60_000),
    weight: z.number().positive().max(1e6).default(1),
    estimatedTaskMs: z
      .number()
      .positive()
      .max(24 * 3600 * 1000)
      .default(1000),
    /** `quorum`: settle on `quorum` agreeing results. `adaptive`: on credibility. */
    verification: z.enum(['quorum', 'adaptive']).default('quorum'),
    /** Adaptive mode: the error probability a settled result may carry at most. */
    targetErrorRate: z.number().gt(0).max(0.5).default(0.01),
    /** Adaptive mode: share of tasks always replicated, whoever computes them. */
    spotCheckRate: z.number().min(0).max(1).default(0.1),
    /** With a `reduce` export: outputs combined per reduce task. */
    reduceBatchSize: z.number().int().min(2).max(10_000).default(100),
    /** Inputs with known outputs, mixed in unseen to catch wrong volunteers. */
    canaries: z
      .array(z.object({ input: z.unknown(), output: z.unknown() }).strict())
      .max(1000)
      .optional(),
  })
  .strict();

export type Compare = 'exact' | { mode: 'tolerance'; abs: number; rel: number };

/** A validated spec with every default filled in. */
export interface JobSpec {
  name: string;
  description: string;
  code: string;
  /** Exactly one of these says where the inputs come from. */
  source:
    | { kind: 'inline'; tasks: TaskSeed[] }
    | { kind: 'range'; start: number; end: number; step: number }
    | { kind: 'upload' };
  redundancy: number;
  quorum: number;
  maxReplicas: number;
  compare: Compare;
  timeoutMs: number;
  weight: number;
  estimatedTaskMs: number;
  verification: 'quorum' | 'adaptive';
  targetErrorRate: number;
  spotCheckRate: number;
  canaries: { input: unknown; output: unknown }[];
  reduceBatchSize: number;
}

/** One task as submitted: its input and optional priority overrides. */
export interface TaskSeed {
  input: unknown;
  weight?: number;
  estimatedTaskMs?: number;
}

/** Parses a request body into a JobSpec, or throws BAD_REQUEST naming the field. */
export function parseSpec(body: unknown): JobSpec {
  const parsed = specSchema.safeParse(body);
  if (!parsed.success) {
    throw zodToError(parsed.error, Object.keys(specSchema.shape));
  }
  const s = parsed.data;
  const sources = (['inputs', 'tasks', 'range', 'upload'] as const).filter(
    (k) => s[k] !== undefined,
  );
  if (sources.length !== 1) {
    throw new TabgridError(
      'BAD_REQUEST',
      sources.length === 0
        ? 'inputs: give one of inputs, tasks, range or upload: true'
        : `inputs: give only one of ${sources.join(', ')}`,
      { field: 'inputs' },
    );
  }
  const quorum = s.quorum;
  // Adaptive jobs start with one replica and add more only while in doubt.
  const redundancy =
    s.redundancy ?? (s.verification === 'adaptive' ? 1 : quorum);
  const maxReplicas = s.maxReplicas ?? Math.max(5, redundancy, quorum);
  if (maxReplicas < quorum) {
    throw fieldError(
      'maxReplicas',
      `must be at least quorum (${quorum}), got ${maxReplicas}`,
    );
  }
  if (maxReplicas < redundancy) {
    throw fieldError(
      'maxReplicas',
      `must be at least redundancy (${redundancy}), got ${maxReplicas}`,
    );
  }
  return {
    name: s.name,
    description: s.description,
    code: s.code,
    source: sourceOf(s),
    redundancy,
    quorum,
    maxReplicas,
    compare: s.compare,
    timeoutMs: s.timeoutMs,
    weight: s.weight,
    estimatedTaskMs: s.estimatedTaskMs,
    verification: s.verification,
    targetErrorRate: s.targetErrorRate,
    spotCheckRate: s.spotCheckRate,
    canaries: s.canaries ?? [],
    reduceBatchSize: s.reduceBatchSize,
  };
}

function sourceOf(s: z.output<typeof specSchema>): JobSpec['source'] {
  if (s.inputs)
    return { kind: 'inline', tasks: s.inputs.map((input) => ({ input })) };
  if (s.tasks) return { kind: 'inline', tasks: s.tasks };
  if (s.range) return { kind: 'range', ...s.range };
  return { kind: 'upload' };
}

/** The number of tasks a range makes: chunks of `step`, the last one shorter. */
export function rangeTaskCount(r: {
  start: number;
  end: number;
  step: number;
}): number {
  return Math.ceil((r.end - r.start) / r.step);
}

/** The input of task `index` of a range: `{ start, end }` with `end` exclusive. */
export function rangeInput(
  r: { start: number; end: number; step: number },
  index: number,
): { start: number; end: number } {
  const start = r.start + index * r.step;
  return { start, end: Math.min(start + r.step, r.end) };
}

function fieldError(field: string, message: string): TabgridError {
  return new TabgridError('BAD_REQUEST', `${field}: ${message}`, { field });
}

/** Turns the first zod issue into an error whose message starts with the field. */
export function zodToError(
  error: z.ZodError,
  known: readonly string[] = [],
): TabgridError {
  const issue = error.issues[0];
  if (!issue) return new TabgridError('BAD_REQUEST', 'invalid request');
  const path = issue.path.map(String);
  let field = path.join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    field = [...path, key].filter(Boolean).join('.');
    message =
      path.length === 0 && known.length > 0
        ? `unknown field; known fields are ${known.join(', ')}`
        : 'unknown field';
  }
  return new TabgridError('BAD_REQUEST', `${field || 'body'}: ${message}`, {
    field: field || 'body',
  });
}
