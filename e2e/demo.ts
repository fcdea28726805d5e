/**
 * `npm run demo`: tabgrid end to end on this machine. It builds the web app
 * if needed, starts a coordinator on a temporary database, submits two jobs
 * from examples/ (a Mandelbrot image and a Monte-Carlo estimate of π), puts
 * a fleet of Chromium volunteer tabs to work on them, and prints the
 * verified results and where the image went. Everything it starts, it stops.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMandelbrotPng, type Band } from '../examples/mandelbrot-png.ts';
import {
  estimatePi,
  mandelbrotSpec,
  monteCarloPiSpec,
} from '../examples/specs.ts';
import { startDemoCoordinator } from './demo/coordinator.ts';
import { ProgressBoard } from './demo/progress.ts';
import { restClient, type JobView, type RestClient } from './demo/rest.ts';
import { launchFleet, type Fleet } from './fleet/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB_DIR = join(ROOT, 'web/dist');
const PNG_PATH = resolve('demo-output/mandelbrot.png');
const TABS = 3;
const WORKERS_PER_TAB = 1;
const PI_TASKS = 32;
const PI_SAMPLES_PER_TASK = 1_000_000;
/** The demo gives up rather than hang if the jobs have not ended by then. */
const GIVE_UP_AFTER_MS = 110_000;
const REFRESH_MS = 250;
const ENDED = new Set(['done', 'failed', 'cancelled']);

/** Stops what the demo started, last first. */
const cleanups: Array<() => Promise<void>> = [];

async function main(): Promise<void> {
  const startedAt = Date.now();
  ensureWebBuilt();
  const coordinator = await startDemoCoordinator(WEB_DIR);
  cleanups.push(() => coordinator.close());
  const client = restClient(coordinator.url, coordinator.adminKey);
  say(`coordinator on ${coordinator.url} (temporary database)`);

  const jobs = [
    await client.submit(mandelbrotSpec()),
    await client.submit(monteCarloPiSpec(PI_TASKS, PI_SAMPLES_PER_TASK)),
  ];
  say(`submitted ${jobs.map((j) => `"${j.name}"`).join(' and ')}`);
  const fleet = await launchFleet({
    url: coordinator.url,
    tabs: TABS,
    workers: WORKERS_PER_TAB,
  });
  cleanups.push(() => fleet.close());
  say(`${TABS} Chromium tabs × ${WORKERS_PER_TAB} worker are volunteering`);

  const ended = await watchUntilEnded(client, jobs, fleet);
  await fleet.close();
  const failed = ended.filter((j) => j.state !== 'done');
  if (failed.length > 0)
    throw new Error(
      failed.map((j) => `job "${j.name}" ended ${j.state}`).join('; '),
    );
  await report(client, ended, fleet, Date.now() - startedAt);
}

function ensureWebBuilt(): void {
  if (existsSync(join(WEB_DIR, 'index.html'))) return;
  say('building the web app (web/dist is missing)…');
  const build = spawnSync('npm', ['run', '--silent', 'build:web'], {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (build.status !== 0)
    throw new Error(`npm run build:web failed with status ${build.status}`);
}

/** Redraws the bars until every job has ended, or gives up. */
async function watchUntilEnded(
  client: RestClient,
  submitted: JobView[],
  fleet: Fleet,
): Promise<JobView[]> {
  const board = new ProgressBoard();
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  for (;;) {
    const jobs = await Promise.all(submitted.map((j) => client.job(j.id)));
    const done = jobs.every((j) => ENDED.has(j.state));
    const bars = jobs.map((j) => ({
      ...j.counts,
      name: j.name,
      state: j.state,
    }));
    const { alive, tasksDone } = fleet.stats();
    board.render(bars, `tabs alive ${alive}, results sent ${tasksDone}`, done);
    if (done) return jobs;
    if (Date.now() > deadline)
      throw new Error(
        `gave up after ${GIVE_UP_AFTER_MS / 1000} s with jobs unfinished`,
      );
    await new Promise((r) => setTimeout(r, REFRESH_MS));
  }
}

async function report(
  client: RestClient,
  [mandelbrot, pi]: JobView[],
  fleet: Fleet,
  elapsedMs: number,
): Promise<void> {
  const image = writeMandelbrotPng(
    await client.outputs<Band>(mandelbrot!.id),
    PNG_PATH,
  );
  const estimate = estimatePi(
    await client.outputs<{ hits: number; samples: number }>(pi!.id),
  );
  const computeMs =
    Math.max(mandelbrot!.finishedAt ?? 0, pi!.finishedAt ?? 0) -
    Math.min(mandelbrot!.createdAt, pi!.createdAt);
  const lines = [
    '',
    `π ≈ ${estimate.pi.toFixed(6)} from ${estimate.samples.toLocaleString('en')} ` +
      `points, each task verified by a quorum of 2 volunteers ` +
      `(off by ${Math.abs(estimate.pi - Math.PI).toExponential(2)})`,
    `Mandelbrot ${image.width}×${image.height}: ${relative('.', PNG_PATH)}`,
    `time: ${seconds(computeMs)} from submission to the last verified task, ` +
      `${seconds(elapsedMs)} in all`,
    `work: ${describe(mandelbrot!)}; ${describe(pi!)}; ` +
      `${fleet.stats().tasksDone} results sent by the tabs`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function describe(job: JobView): string {
  const { total, replicas, reissued } = job.counts;
  return (
    `"${job.name}" ${total} tasks in ${replicas} replicas` +
    (reissued > 0 ? ` (${reissued} re-issued)` : '')
  );
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function say(text: string): void {
  process.stderr.write(`demo: ${text}\n`);
}

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  cleanups.length = 0;
}

process.once('SIGINT', () => {
  say('interrupted; stopping');
  void cleanUp().then(() => process.exit(130));
});

main().then(
  async () => {
    await cleanUp();
    process.exit(0);
  },
  async (err: unknown) => {
    process.stderr.write(`demo: ${(err as Error)?.message ?? String(err)}\n`);
    await cleanUp();
    process.exit(1);
  },
);
