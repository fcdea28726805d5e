/**
 * The coordinator killed with SIGKILL twenty times during one job, and
 * started again on the same database and port each time. Node volunteers and
 * one Chromium tab keep working through it and reconnect on their own.
 *
 * The kill moments are random (seeded; the seed is printed): each is when
 * the settled count passes a random threshold, plus random jitter, so some
 * land mid-commit, some while volunteers are still reconnecting.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { seededRandom } from '../shared/random.ts';
import { startNodeVolunteer } from '../server/volunteer/node-volunteer.ts';
import {
  ADMIN_KEY,
  api,
  parseLines,
  until,
  waitForJob,
} from '../server/test/helpers.ts';
import {
  freePort,
  killHard,
  readReplicas,
  readTasks,
  startCoordinator,
  type CoordinatorProcess,
  type TaskRow,
} from '../server/test/coordinator-process.ts';
import { launchFleet, type Fleet } from './fleet/index.ts';

const TASKS = 2500;
const KILLS = 20;
const CODE = `export default async (n) => {
  let x = n;
  for (let i = 0; i < 20000; i++) x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  return { n, x };
};`;

/** The job module run here, in this process: the reference the results must equal. */
async function referenceOutputs(): Promise<unknown[]> {
  const module = await import(
    'data:text/javascript,' + encodeURIComponent(CODE)
  );
  const run = module.default as (n: number) => Promise<unknown>;
  return Promise.all(Array.from({ length: TASKS }, (_, n) => run(n)));
}

/** Settled tasks must never change once they are on disk. */
function assertSettledKept(
  before: Map<number, TaskRow>,
  after: Map<number, TaskRow>,
  when: string,
): void {
  for (const [idx, row] of before) {
    if (row.state !== 'settled') continue;
    assert.deepEqual(after.get(idx), row, `task ${idx} changed ${when}`);
  }
}

function settledSet(rows: Map<number, TaskRow>): Set<number> {
  return new Set(
    [...rows].filter(([, r]) => r.state === 'settled').map(([i]) => i),
  );
}

test(
  'twenty SIGKILLs mid-job: tasks settle once and match a local run',
  { timeout: 240_000 },
  async (t) => {
    const seed = Number(process.env.TABGRID_CRASH_SEED ?? Date.now() % 2 ** 31);
    t.diagnostic(`seed ${seed} (TABGRID_CRASH_SEED to repeat)`);
    const random = seededRandom([seed, 7, 11, 13]);
    const dir = mkdtempSync(join(tmpdir(), 'tabgrid-crash-'));
    const db = join(dir, 'tabgrid.db');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let coordinator: CoordinatorProcess = await startCoordinator(db, port);
    let fleet: Fleet | undefined;
    const volunteers = [1, 2].map(() =>
      startNodeVolunteer({
        url,
        slots: 2,
        reconnect: { initialMs: 50, maxMs: 400 },
      }),
    );
    t.after(async () => {
      await Promise.all(volunteers.map((v) => v.stop()));
      await fleet?.close();
      await killHard(coordinator);
      rmSync(dir, { recursive: true, force: true });
    });
    const welcomes = volunteers.map((v) => {
      const count = { n: 0 };
      v.client.on('welcome', () => count.n++);
      return count;
    });
    const withBrowser = existsSync('web/dist/index.html');
    if (withBrowser) {
      fleet = await launchFleet({ url, tabs: 1, pollIntervalMs: 200 });
      await fleet.waitForTabs(1, 60_000);
    } else t.diagnostic('web/dist missing: no browser tab in this run');

    const client = api(url, ADMIN_KEY);
    const created = await client.post('/api/jobs', {
      name: 'crash test',
      code: CODE,
      inputs: Array.from({ length: TASKS }, (_, n) => n),
    });
    assert.equal(created.status, 201, created.text);
    const jobId = created.body.id as string;
    const settledCount = async () => {
      try {
        return (await client.get(`/api/jobs/${jobId}`)).body.counts
          .settled as number;
      } catch {
        return undefined; // between a kill and the restart
      }
    };

    const thresholds = Array.from({ length: KILLS }, () =>
      Math.floor(TASKS * (0.03 + 0.82 * random())),
    ).sort((a, b) => a - b);
    let onDisk = readTasks(db, jobId);
    const restarts: { at: number; settled: Set<number> }[] = [];
    for (const [k, threshold] of thresholds.entries()) {
      await until(
        async () => {
          const n = await settledCount();
          return n !== undefined && n >= threshold ? n : undefined;
        },
        `${threshold} settled before kill ${k + 1}`,
        60_000,
      );
      await new Promise((r) => setTimeout(r, random() * 150));
      await killHard(coordinator);
      const now = readTasks(db, jobId);
      assertSettledKept(onDisk, now, `by kill ${k + 1}`);
      onDisk = now;
      assert.ok(
        settledSet(now).size < TASKS,
        `kill ${k + 1} landed after the job had finished; make it longer`,
      );
      restarts.push({ at: Date.now(), settled: settledSet(now) });
      coordinator = await startCoordinator(db, port);
    }

    const job = await waitForJob(client, jobId, 120_000);
    assert.equal(job.state, 'done');
    assert.equal(job.counts.settled, TASKS);
    const lines = parseLines(
      (await client.get(`/api/jobs/${jobId}/results`)).text,
    );
    assert.deepEqual(
      lines.map((l) => l.output),
      await referenceOutputs(),
      'results equal a local run of the same module',
    );

    await until(
      () =>
        volunteers.every((v) => v.client.state === 'connected') || undefined,
      'the Node volunteers to be connected to the last coordinator',
    );
    for (const w of welcomes)
      assert.ok(w.n >= 2, `a Node volunteer said hello ${w.n} times`);
    if (fleet) {
      await until(
        async () => {
          await fleet!.refresh();
          return fleet!.stats().connected === 1 || undefined;
        },
        'the browser tab to reconnect',
        60_000,
      );
    }

    await killHard(coordinator);
    const final = readTasks(db, jobId);
    assertSettledKept(onDisk, final, 'after the last restart');
    const replicas = readReplicas(db, jobId);
    for (const [k, restart] of restarts.entries()) {
      const rerun = replicas.filter(
        (r) => r.leasedAt >= restart.at && restart.settled.has(r.taskIdx),
      );
      assert.deepEqual(
        rerun,
        [],
        `no task settled before restart ${k + 1} was leased after it`,
      );
    }
    // Within one run, a settled task goes out again only as a spot check,
    // which honest volunteers pass; it never changes the settled result.
    const afterSettled = replicas.filter(
      (r) => r.leasedAt > (final.get(r.taskIdx)!.settledAt ?? Infinity),
    );
    assert.ok(afterSettled.every((r) => r.verdict !== 'disagreed'));
    if (fleet) {
      const tab = fleet.tabs()[0]!;
      assert.ok(
        replicas.some(
          (r) => r.volunteerId === tab.volunteerId && r.state === 'returned',
        ),
        'the browser tab computed part of the job',
      );
    }
  },
);
