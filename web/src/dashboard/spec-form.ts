/**
 * The new job form as data: its values, the spec they make, and where on the
 * form an error belongs. Validation is the server's: the form sends what was
 * typed (blank fields left out, so the server's defaults apply) and shows
 * the server's message beside the field that the error body names.
 */
import { ApiError } from './api.ts';

export type InputsMode = 'json' | 'file' | 'range';
export type CompareMode = 'exact' | 'tolerance';

export interface FormValues {
  name: string;
  description: string;
  code: string;
  inputsMode: InputsMode;
  inputsJson: string;
  inputsFile: File | null;
  rangeStart: string;
  rangeEnd: string;
  rangeStep: string;
  redundancy: string;
  quorum: string;
  maxReplicas: string;
  compare: CompareMode;
  abs: string;
  rel: string;
  timeoutMs: string;
  weight: string;
  estimatedTaskMs: string;
}

/** The form values typed as numbers; blank means the server's default. */
export type NumberKey =
  | 'rangeStart'
  | 'rangeEnd'
  | 'rangeStep'
  | 'redundancy'
  | 'quorum'
  | 'maxReplicas'
  | 'abs'
  | 'rel'
  | 'timeoutMs'
  | 'weight'
  | 'estimatedTaskMs';

export const EMPTY_FORM: FormValues = {
  name: '',
  description: '',
  code: '',
  inputsMode: 'json',
  inputsJson: '',
  inputsFile: null,
  rangeStart: '',
  rangeEnd: '',
  rangeStep: '',
  redundancy: '',
  quorum: '',
  maxReplicas: '',
  compare: 'exact',
  abs: '',
  rel: '',
  timeoutMs: '',
  weight: '',
  estimatedTaskMs: '',
};

/** The places on the form an error can be shown, named as the spec's fields. */
export const FIELDS = [
  'name',
  'description',
  'code',
  'inputs',
  'range.start',
  'range.end',
  'range.step',
  'redundancy',
  'quorum',
  'maxReplicas',
  'compare',
  'compare.abs',
  'compare.rel',
  'timeoutMs',
  'weight',
  'estimatedTaskMs',
] as const;

export type FieldName = (typeof FIELDS)[number];

export interface FieldError {
  message: string;
  line?: number | undefined;
  column?: number | undefined;
  /** The text the line and column point into, as it was sent. */
  source?: string;
}

/** Errors by field; `form` holds one that names no field the form has. */
export type FieldErrors = Partial<Record<FieldName | 'form', FieldError>>;

/**
 * The form field for a `field` from an error body: `inputs[3]`, `tasks` and
 * `upload` all belong to the inputs, a bare `range` too.
 */
export function fieldFor(serverField: string | undefined): FieldName | 'form' {
  if (!serverField) return 'form';
  const known = (FIELDS as readonly string[]).includes(serverField);
  if (known) return serverField as FieldName;
  const root = serverField.split(/[.[]/)[0] ?? '';
  if (['inputs', 'tasks', 'upload', 'range'].includes(root)) return 'inputs';
  if ((FIELDS as readonly string[]).includes(root)) return root as FieldName;
  return 'form';
}

/** The errors to show for a refused submission of `values`. */
export function errorsFrom(err: unknown, values: FormValues): FieldErrors {
  if (err instanceof ApiError || err instanceof FormError) {
    const field = fieldFor(err.field);
    const error: FieldError = {
      message: err.message,
      line: err.line,
      column: err.column,
    };
    if (field === 'code') error.source = values.code;
    return { [field]: error };
  }
  return {
    form: { message: err instanceof Error ? err.message : String(err) },
  };
}

/** A fault found before anything is sent, shaped like the server's. */
export class FormError extends Error {
  readonly line: number | undefined = undefined;
  readonly column: number | undefined = undefined;
  constructor(
    readonly field: FieldName,
    message: string,
  ) {
    super(message);
  }
}

/** How an inputs file is sent: inline as `inputs`, or streamed as an upload. */
export type FileKind =
  { kind: 'inline' } | { kind: 'upload'; contentType: string };

export function fileKind(name: string): FileKind | null {
  const ext = /\.[^.]+$/.exec(name.toLowerCase())?.[0];
  if (ext === '.json') return { kind: 'inline' };
  if (ext === '.jsonl' || ext === '.ndjson')
    return { kind: 'upload', contentType: 'application/x-ndjson' };
  if (ext === '.csv') return { kind: 'upload', contentType: 'text/csv' };
  return null;
}

export interface Submission {
  spec: Record<string, unknown>;
  /** For `upload: true`: the file to stream once the job exists. */
  upload?: { file: File; contentType: string };
}

export async function buildSubmission(v: FormValues): Promise<Submission> {
  const spec: Record<string, unknown> = { name: v.name, code: v.code };
  if (v.description.trim()) spec.description = v.description;
  putNumbers(spec, v);
  if (v.compare === 'tolerance') {
    const compare: Record<string, unknown> = { mode: 'tolerance' };
    putNumber(compare, 'abs', v.abs);
    putNumber(compare, 'rel', v.rel);
    spec.compare = compare;
  }
  if (v.inputsMode === 'range') {
    const range: Record<string, unknown> = {};
    putNumber(range, 'start', v.rangeStart);
    putNumber(range, 'end', v.rangeEnd);
    putNumber(range, 'step', v.rangeStep);
    return { spec: { ...spec, range } };
  }
  if (v.inputsMode === 'json')
    return { spec: { ...spec, inputs: parseArray(v.inputsJson, 'the text') } };
  return fromFile(spec, v.inputsFile);
}

async function fromFile(
  spec: Record<string, unknown>,
  file: File | null,
): Promise<Submission> {
  if (!file) throw new FormError('inputs', 'inputs: choose a file');
  const kind = fileKind(file.name);
  if (!kind)
    throw new FormError(
      'inputs',
      `inputs: ${file.name} is not .json, .jsonl, .ndjson or .csv`,
    );
  if (kind.kind === 'upload') {
    return {
      spec: { ...spec, upload: true },
      upload: { file, contentType: kind.contentType },
    };
  }
  // A JSON array is one value, sent inline; the server caps the body size.
  return {
    spec: { ...spec, inputs: parseArray(await file.text(), file.name) },
  };
}

function parseArray(text: string, where: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FormError(
      'inputs',
      `inputs: ${where} is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (!Array.isArray(value)) {
    throw new FormError(
      'inputs',
      `inputs: expected a JSON array, got ${value === null ? 'null' : typeof value}`,
    );
  }
  return value;
}

const NUMBER_FIELDS = [
  'redundancy',
  'quorum',
  'maxReplicas',
  'timeoutMs',
  'weight',
  'estimatedTaskMs',
] as const;

function putNumbers(spec: Record<string, unknown>, v: FormValues): void {
  for (const name of NUMBER_FIELDS) putNumber(spec, name, v[name]);
}

/** Blank stays out, so the server's default applies; the rest goes as typed. */
function putNumber(
  into: Record<string, unknown>,
  name: string,
  text: string,
): void {
  const trimmed = text.trim();
  if (trimmed !== '') into[name] = Number(trimmed);
}
