/**
 * Scenario 4, the scale of a job: a job of `scaleTasks` inputs streamed in
 * as JSON Lines (never held whole in the bench either), run at quorum 2 by
 * simulated volunteers, its results streamed out and counted. Peak RSS is
 * the coordinator's VmHWM over its whole life, upload included.
 */
import { BENCH_KEY, CoordinatorProcess } from '../lib/coordinator.ts';
import { LoadGen } from '../lib/loadgen.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/report.ts';
import { sleep } from '../lib/proc.ts';
import { SLOTS, TRIVIAL_CODE, type BenchContext } from './context.ts';

const LINES_PER_CHUNK = 2000;

export async function scaleScenario(
  ctx: BenchContext,
): Promise<ScenarioResult> {
  const tasks = ctx.sizes.scaleTasks;
  const coordinator = await CoordinatorProcess.start();
  const load = await LoadGen.start();
  try {
    await load.volunteers({
      url: coordinator.url,
      count: ctx.sizes.scaleVolunteers,
      slots: SLOTS,
      answer: 'now',
    });
    const created = await coordinator.request('POST', '/api/jobs', {
      name: `bench scale ${tasks}`,
      code: TRIVIAL_CODE,
      upload: true,
      quorum: 2,
    });
    const uploadStarted = performance.now();
    await upload(coordinator, created.id, tasks);
    const submitSeconds = (performance.now() - uploadStarted) / 1000;
    const afterUploadMb = coordinator.memory().peakRssMb;
    const job = await coordinator.waitForJob(created.id, 3 * 60 * 60_000, 500);
    if (job.state !== 'done') throw new Error(`scale job ended ${job.state}`);
    const runSeconds = (job.finishedAt - job.startedAt) / 1000;
    const downloadStarted = performance.now();
    const { lines, bytes } = await download(coordinator, created.id);
    const downloadSeconds = (performance.now() - downloadStarted) / 1000;
    if (lines !== tasks)
      throw new Error(`results held ${lines} lines, expected ${tasks}`);
    await sleep(300);
    const memory = coordinator.memory();
    const dbMb = coordinator.databaseBytes() / 2 ** 20;
    const data = {
      tasks,
      volunteers: ctx.sizes.scaleVolunteers,
      submitSeconds: round(submitSeconds),
      runSeconds: round(runSeconds),
      settledPerSec: round(tasks / runSeconds),
      downloadSeconds: round(downloadSeconds),
      resultsMb: round(bytes / 2 ** 20),
      peakRssMb: round(memory.peakRssMb),
      peakRssAfterUploadMb: round(afterUploadMb),
      finalRssMb: round(memory.rssMb),
      databaseMb: round(dbMb),
    };
    return {
      title: `4. Scale of a job (${tasks.toLocaleString('en-US')} tasks, quorum 2)`,
      columns: [
        'tasks',
        'submit s',
        'run s',
        'settled/s',
        'results out s',
        'peak RSS MB',
        'peak RSS after upload MB',
        'database MB',
      ],
      rows: [
        [
          tasks,
          submitSeconds,
          runSeconds,
          tasks / runSeconds,
          downloadSeconds,
          memory.peakRssMb,
          afterUploadMb,
          dbMb,
        ],
      ],
      data,
    };
  } finally {
    await load.stop();
    await coordinator.stop();
  }
}

/** Streams `{"n":i}` lines in chunks; the request body is never built whole. */
async function upload(
  coordinator: CoordinatorProcess,
  jobId: string,
  tasks: number,
) {
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next >= tasks) return controller.close();
      let chunk = '';
      const end = Math.min(tasks, next + LINES_PER_CHUNK);
      for (; next < end; next++) chunk += `{"n":${next}}\n`;
      controller.enqueue(new TextEncoder().encode(chunk));
    },
  });
  const res = await fetch(`${coordinator.url}/api/jobs/${jobId}/inputs`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${BENCH_KEY}`,
      'content-type': 'application/x-ndjson',
    },
    body,
    duplex: 'half',
  } as RequestInit);
  if (!res.ok) throw new Error(`upload: ${res.status} ${await res.text()}`);
}

/** Streams the results and counts lines and bytes without keeping them. */
async function download(coordinator: CoordinatorProcess, jobId: string) {
  const res = await fetch(`${coordinator.url}/api/jobs/${jobId}/results`, {
    headers: { authorization: `Bearer ${BENCH_KEY}` },
  });
  if (!res.ok || !res.body) throw new Error(`results: ${res.status}`);
  let lines = 0;
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
  }
  return { lines, bytes };
}
