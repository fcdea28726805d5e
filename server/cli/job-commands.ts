/**
 * The commands about jobs: run (submit, wait, print outputs), submit,
 * status, results, cancel and jobs. Each returns its exit status.
 */
import type { Job, JobView } from '../client/index.ts';
import { EXIT, Interrupted, positionals, type Context } from './context.ts';
import {
  inputsFromFlags,
  specFromFlags,
  type InputSource,
} from './job-spec.ts';
import { describeMisses, formatTable, missOf, type Miss } from './output.ts';
import { ProgressBar } from './progress.ts';
import type { JobSpecInput } from '../client/index.ts';

export async function runCommand(ctx: Context): Promise<number> {
  const [codePath] = positionals(ctx, 'JOB.mjs');
  const spec = await specFromFlags(codePath!, ctx.values);
  const source = await inputsFromFlags(ctx.values, ctx.stdin, true);
  const job = await submit(ctx, spec, source);
  ctx.stderr.write(
    `tabgrid: job ${job.id}: ${job.latest?.counts.total} tasks\n`,
  );
  const final = await watch(ctx, job, { cancelOnInterrupt: true });
  const misses = await writeOutputs(ctx, job, final.counts.total);
  if (final.state === 'cancelled')
    ctx.stderr.write(`tabgrid: job ${job.id} was cancelled\n`);
  // stdout holds one output per input; the reduced value is said on stderr.
  if (final.reduce?.done)
    ctx.stderr.write(
      `tabgrid: reduced: ${JSON.stringify(final.reduce.value)}\n`,
    );
  if (misses.length > 0)
    ctx.stderr.write(describeMisses(misses, final.counts.total));
  return misses.length > 0 || final.state !== 'done'
    ? EXIT.tasksFailed
    : EXIT.ok;
}

export async function submitCommand(ctx: Context): Promise<number> {
  const [codePath] = positionals(ctx, 'JOB.mjs');
  const spec = await specFromFlags(codePath!, ctx.values);
  const source = await inputsFromFlags(ctx.values, ctx.stdin, false);
  const job = await submit(ctx, spec, source);
  await ctx.stdout.write(`${job.id}\n`);
  await ctx.stdout.flush();
  if (ctx.values.wait !== true) return EXIT.ok;
  const final = await watch(ctx, job, { cancelOnInterrupt: false });
  ctx.stderr.write(`tabgrid: ${summary(final)}\n`);
  return finishedCleanly(final) ? EXIT.ok : EXIT.tasksFailed;
}

export async function statusCommand(ctx: Context): Promise<number> {
  const [id] = positionals(ctx, 'ID');
  const view = await ctx.client.job(id!).status({ signal: ctx.signal });
  if (ctx.values.json === true)
    await ctx.stdout.write(JSON.stringify(view, null, 2) + '\n');
  else await ctx.stdout.write(describeJob(view));
  return EXIT.ok;
}

export async function resultsCommand(ctx: Context): Promise<number> {
  const [id] = positionals(ctx, 'ID');
  const job = ctx.client.job(id!);
  const view = await job.status({ signal: ctx.signal });
  if (ctx.values.wait === true)
    await watch(ctx, job, { cancelOnInterrupt: false });
  else if (view.state === 'queued' || view.state === 'running')
    ctx.stderr.write(
      `tabgrid: job ${view.id} is ${view.state}; ` +
        `${ended(view)} of ${view.counts.total} tasks have ended so far\n`,
    );
  const format = ctx.values.csv === true ? 'csv' : 'jsonl';
  for await (const chunk of job.download(format, { signal: ctx.signal }))
    await ctx.stdout.writeBytes(chunk);
  return EXIT.ok;
}

export async function cancelCommand(ctx: Context): Promise<number> {
  const [id] = positionals(ctx, 'ID');
  const view = await ctx.client.job(id!).cancel();
  if (view.state === 'cancelled')
    await ctx.stdout.write(`${view.id} cancelled\n`);
  else
    ctx.stderr.write(
      `tabgrid: job ${view.id} is already ${view.state}; nothing to cancel\n`,
    );
  return EXIT.ok;
}

export async function jobsCommand(ctx: Context): Promise<number> {
  positionals(ctx);
  const jobs = await ctx.client.jobs();
  if (ctx.values.json === true) {
    await ctx.stdout.write(JSON.stringify(jobs, null, 2) + '\n');
    return EXIT.ok;
  }
  if (jobs.length === 0) {
    ctx.stderr.write('tabgrid: no jobs yet\n');
    return EXIT.ok;
  }
  const rows = jobs.map((j) => [
    j.id,
    j.state,
    `${ended(j)}/${j.counts.total}`,
    new Date(j.createdAt).toISOString(),
    j.name,
  ]);
  await ctx.stdout.write(
    formatTable([['ID', 'STATE', 'ENDED', 'CREATED', 'NAME'], ...rows]),
  );
  return EXIT.ok;
}

function submit(
  ctx: Context,
  spec: JobSpecInput,
  source: InputSource,
): Promise<Job> {
  if (source.kind === 'spec')
    return ctx.client.submit(
      { ...spec, ...source.spec },
      { signal: ctx.signal },
    );
  return ctx.client.submit(spec, { upload: source.upload, signal: ctx.signal });
}

/** Waits for the job with a progress bar on a terminal; Ctrl-C stops waiting. */
async function watch(
  ctx: Context,
  job: Job,
  options: { cancelOnInterrupt: boolean },
): Promise<JobView> {
  const bar = ctx.stderr.isTTY ? new ProgressBar(ctx.stderr) : undefined;
  const onProgress = (view: JobView) => bar?.update(view);
  if (bar) {
    if (job.latest) bar.update(job.latest);
    job.on('progress', onProgress);
  }
  try {
    return await job.wait({ signal: ctx.signal });
  } catch (err) {
    if (!ctx.signal.aborted) throw err;
    if (!options.cancelOnInterrupt)
      throw new Interrupted(
        `stopped waiting; job ${job.id} carries on (tabgrid cancel ${job.id} stops it)`,
      );
    await job.cancel();
    throw new Interrupted(`interrupted; job ${job.id} cancelled`);
  } finally {
    job.off('progress', onProgress);
    bar?.finish();
  }
}

/** Each task's output on its own line, in input order; null where there is none. */
async function writeOutputs(
  ctx: Context,
  job: Job,
  total: number,
): Promise<Miss[]> {
  const misses: Miss[] = [];
  let next = 0;
  const skipTo = async (index: number) => {
    for (; next < index; next++) {
      misses.push({ index: next, how: 'no result' });
      await ctx.stdout.write('null\n');
    }
  };
  for await (const line of job.results({ wait: false, signal: ctx.signal })) {
    await skipTo(line.index);
    const miss = missOf(line);
    if (miss) misses.push(miss);
    await ctx.stdout.write(
      'output' in line ? `${JSON.stringify(line.output)}\n` : 'null\n',
    );
    next = line.index + 1;
  }
  await skipTo(total);
  await ctx.stdout.flush();
  return misses;
}

function ended(view: JobView): number {
  return view.counts.settled + view.counts.failed;
}

function finishedCleanly(view: JobView): boolean {
  return view.state === 'done' && view.counts.errored === 0;
}

function summary(view: JobView): string {
  const c = view.counts;
  const outputs = c.settled - c.errored;
  const reduced = view.reduce?.done
    ? `; reduced: ${JSON.stringify(view.reduce.value)}`
    : '';
  return (
    `job ${view.id} ${view.state}: ${outputs} of ${c.total} tasks ` +
    `with an output, ${c.errored} errored, ${c.failed} failed${reduced}`
  );
}

function describeJob(view: JobView): string {
  const c = view.counts;
  const when = (ms: number | null) =>
    ms === null ? '-' : new Date(ms).toISOString();
  return formatTable([
    ['id', view.id],
    ['name', view.name],
    [
      'state',
      view.inputsComplete ? view.state : `${view.state} (awaiting inputs)`,
    ],
    [
      'tasks',
      `${c.total} total, ${c.settled} settled (${c.errored} errored), ` +
        `${c.failed} failed, ${c.pending} pending`,
    ],
    [
      'replicas',
      `${c.replicas} run, ${c.leased} leased now, ${c.reissued} reissued`,
    ],
    ...(view.reduce
      ? [
          [
            'reduce',
            view.reduce.done
              ? JSON.stringify(view.reduce.value)
              : `level ${view.reduce.level} of the reduce stage`,
          ],
        ]
      : []),
    [
      'trust',
      `${view.trust.verification}, ` +
        `${view.trust.replicasPerSettled?.toFixed(2) ?? '-'} replicas per task, ` +
        `${view.trust.volunteersBanned} volunteers banned, ` +
        `error bound ${view.trust.errorBound?.toExponential(1) ?? '-'}`,
    ],
    ['created', when(view.createdAt)],
    ['started', when(view.startedAt)],
    ['finished', when(view.finishedAt)],
  ]);
}
