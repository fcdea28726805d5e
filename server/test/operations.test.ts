import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, api, startServer, until, waitForJob } from './helpers.ts';
import { startNodeVolunteer } from '../volunteer/node-volunteer.ts';

const echo = 'export default async (x) => x;';

/** Samples of a Prometheus text scrape: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

/** A pino destination that keeps every line, parsed. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    stream: { write: (line: string) => void lines.push(JSON.parse(line)) },
  };
}

test('a scrape after a job names every tabgrid_ metric with sane values', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const client = api(server.url, ADMIN_KEY);
  const created = await client.post('/api/jobs', {
    name: 'metrics',
    code: echo,
    inputs: Array.from({ length: 30 }, (_, i) => i),
    quorum: 1,
  });
  const scrape = async () => (await fetch(server.url + '/metrics')).text();
  const queued = samples(await scrape());
  assert.equal(
    queued.get(`tabgrid_queue_depth{job="${created.body.id}"}`),
    30,
    'thirty tasks, one replica each, none leased yet',
  );
  const v = startNodeVolunteer({ url: server.url, slots: 2 });
  t.after(() => v.stop());
  await waitForJob(client, created.body.id);
  // task:ended is counted after its commit, so the counter may trail the job row.
  const text = await until(async () => {
    const body = await scrape();
    return samples(body).get('tabgrid_tasks_settled_total') === 30
      ? body
      : undefined;
  }, 'thirty settled tasks in the scrape');
  const m = samples(text);
  for (const line of text.split('\n').filter((l) => l.startsWith('# TYPE')))
    assert.match(line, /^# TYPE tabgrid_/);
  for (const name of [
    'tabgrid_leases_reissued_total',
    'tabgrid_queue_depth',
    'tabgrid_leases_out',
  ])
    assert.match(text, new RegExp(`# TYPE ${name} `));
  assert.equal(m.get('tabgrid_volunteers_online'), 1);
  assert.equal(m.get('tabgrid_slots'), 2);
  assert.equal(m.get('tabgrid_tasks_failed_total'), 0);
  assert.ok(m.get('tabgrid_results_total')! >= 30);
  assert.ok(m.get('tabgrid_leases_issued_total')! >= 30);
  assert.ok(m.get('tabgrid_leases_out')! >= 0);
  const latency = m.get('tabgrid_assignment_latency_seconds_count')!;
  assert.ok(latency >= 1, `assignments observed: ${latency}`);
  const latencySum = m.get('tabgrid_assignment_latency_seconds_sum')!;
  assert.ok(latencySum >= 0 && Number.isFinite(latencySum));
  assert.ok(m.get('tabgrid_commit_batch_size_count')! >= 1);
  assert.ok(m.get('tabgrid_commit_batch_size_sum')! >= 30);
  assert.ok(m.get('tabgrid_commit_duration_seconds_count')! >= 1);
  assert.ok(m.get('tabgrid_process_resident_memory_bytes')! > 0);
});

test('at info, a job logs its creation and its end and nothing per task', async (t) => {
  const logs = captureLogs();
  const server = await startServer({
    logger: { level: 'info', stream: logs.stream },
  });
  t.after(() => server.close());
  const v = startNodeVolunteer({ url: server.url, slots: 2 });
  t.after(() => v.stop());
  const client = api(server.url, ADMIN_KEY);
  const infoLines = async (tasks: number) => {
    const before = logs.lines.length;
    const created = await client.post('/api/jobs', {
      name: `${tasks} tasks`,
      code: echo,
      inputs: Array.from({ length: tasks }, (_, i) => i),
      quorum: 1,
    });
    const job = await waitForJob(client, created.body.id);
    await until(
      () =>
        logs.lines.some(
          (l) => l.msg === 'job finished' && l.jobId === job.id,
        ) || undefined,
      'the job finished line',
    );
    return logs.lines.slice(before).filter((l) => (l.level as number) <= 30);
  };
  const small = await infoLines(5);
  const large = await infoLines(300);
  assert.deepEqual(
    large.map((l) => l.msg),
    small.map((l) => l.msg),
    'the same lines for 5 tasks as for 300',
  );
  assert.deepEqual(
    large.filter((l) => (l.level as number) === 30).map((l) => l.msg),
    ['job created', 'job finished'],
  );
  for (const line of large) {
    assert.equal(line.leaseId, undefined, JSON.stringify(line));
    assert.equal(line.index, undefined, JSON.stringify(line));
  }
});
