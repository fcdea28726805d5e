/** Every command: its usage, options, help text and what runs it. */
import type { Options } from './args.ts';
import type { Context } from './context.ts';
import { INPUT_OPTIONS, SPEC_OPTIONS } from './job-spec.ts';
import {
  cancelCommand,
  jobsCommand,
  resultsCommand,
  runCommand,
  statusCommand,
  submitCommand,
} from './job-commands.ts';
import { keysCommand } from './key-commands.ts';

export interface CommandDef {
  usage: string;
  summary: string;
  /** Paragraphs after the usage line in `tabgrid CMD --help`. */
  details?: string;
  options: Options;
  run(ctx: Context): Promise<number>;
}

const json = { type: 'boolean', doc: 'print JSON instead of a table' } as const;

export const COMMANDS: Record<string, CommandDef> = {
  run: {
    usage: 'tabgrid run JOB.mjs [options] < inputs.jsonl > outputs.jsonl',
    summary: 'submit a job, wait, and print each output in input order',
    details: [
      'Inputs are read from stdin as JSON Lines (one input a line) unless',
      '--inputs or --range says otherwise. Each output is printed as one JSON',
      'value a line, line N for input N; a task without an output prints null',
      'and is named on stderr. A progress bar is drawn on stderr when it is a',
      'terminal. Ctrl-C cancels the job.',
    ].join('\n'),
    options: { ...SPEC_OPTIONS, ...INPUT_OPTIONS },
    run: runCommand,
  },
  submit: {
    usage:
      'tabgrid submit JOB.mjs (--inputs FILE | --range A:B[:STEP]) [options]',
    summary: 'submit a job and print its id',
    details:
      'With --wait, also wait for it (progress on a terminal) and report how it ended.',
    options: {
      ...SPEC_OPTIONS,
      ...INPUT_OPTIONS,
      wait: { type: 'boolean', doc: 'wait until the job finishes' },
    },
    run: submitCommand,
  },
  status: {
    usage: 'tabgrid status ID',
    summary: "show a job's state and counts",
    options: { json: { type: 'boolean', doc: 'print the job view as JSON' } },
    run: statusCommand,
  },
  results: {
    usage: 'tabgrid results ID [--csv] [--wait]',
    summary: 'print the results of the tasks that have ended, in task order',
    details:
      'JSON Lines {"index":N,"output":...} or {"index":N,"error":{...}}, or CSV with --csv.',
    options: {
      csv: { type: 'boolean', doc: 'print CSV: index,status,output,error' },
      wait: { type: 'boolean', doc: 'wait until the job finishes first' },
    },
    run: resultsCommand,
  },
  cancel: {
    usage: 'tabgrid cancel ID',
    summary: 'cancel a job',
    options: {},
    run: cancelCommand,
  },
  jobs: {
    usage: 'tabgrid jobs [--json]',
    summary: 'list your jobs, newest first',
    options: { json },
    run: jobsCommand,
  },
  keys: {
    usage: 'tabgrid keys create NAME | list | revoke ID',
    summary: 'manage requester API keys (needs the admin key)',
    details:
      '`create` prints the new secret alone on stdout; it is not shown again.',
    options: { json },
    run: keysCommand,
  },
};
