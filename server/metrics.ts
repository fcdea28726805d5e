/** `/metrics` in Prometheus format; every name starts with `tabgrid_`. */
import type { FastifyInstance } from 'fastify';
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';
import type { Coordinator } from './coordinator.ts';

export function installMetrics(
  app: FastifyInstance,
  coordinator: Coordinator,
): void {
  const registry = new Registry();
  // Default names already say process_ or nodejs_: tabgrid_process_cpu_seconds_total.
  collectDefaultMetrics({ register: registry, prefix: 'tabgrid_' });
  const s = coordinator.scheduler;
  new Gauge({
    name: 'tabgrid_volunteers_online',
    help: 'Volunteer sockets that have said hello',
    registers: [registry],
    collect() {
      this.set(coordinator.sessionCount());
    },
  });
  new Gauge({
    name: 'tabgrid_slots',
    help: 'Slots announced by online volunteers',
    registers: [registry],
    collect() {
      let n = 0;
      for (const session of coordinator.allSessions()) n += session.slots;
      this.set(n);
    },
  });
  new Gauge({
    name: 'tabgrid_leases_out',
    help: 'Leases held by volunteers now',
    registers: [registry],
    collect() {
      this.set(s.leaseCount());
    },
  });
  new Gauge({
    name: 'tabgrid_queue_depth',
    help: 'Replicas wanted and not yet leased, per job (loaded part of the queue)',
    labelNames: ['job'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [job, depth] of s.queueDepth()) this.set({ job }, depth);
    },
  });
  const settled = new Counter({
    name: 'tabgrid_tasks_settled_total',
    help: 'Tasks settled by quorum',
    registers: [registry],
  });
  const failed = new Counter({
    name: 'tabgrid_tasks_failed_total',
    help: 'Tasks failed without quorum',
    registers: [registry],
  });
  const results = new Counter({
    name: 'tabgrid_results_total',
    help: 'Results received from volunteers; results per second is rate() of this counter',
    registers: [registry],
  });
  const issued = new Counter({
    name: 'tabgrid_leases_issued_total',
    help: 'Leases sent to volunteers (tasks leased, backups and checks included)',
    registers: [registry],
  });
  const assignSeconds = new Histogram({
    name: 'tabgrid_assignment_latency_seconds',
    help: 'Time from a volunteer asking for work (a free slot) to the assign frame sent',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2, 10],
    registers: [registry],
  });
  const reissued = new Counter({
    name: 'tabgrid_leases_reissued_total',
    help: 'Leases that ended without a result, by how',
    labelNames: ['end'],
    registers: [registry],
  });
  const batch = new Histogram({
    name: 'tabgrid_commit_batch_size',
    help: 'Changes per group commit',
    buckets: [1, 4, 16, 64, 256, 1024, 4096],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'tabgrid_commit_duration_seconds',
    help: 'Time to apply one group commit',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  coordinator.on('task:ended', (e) =>
    e.state === 'settled' ? settled.inc() : failed.inc(),
  );
  coordinator.on('committed', (c) => {
    batch.observe(c.size);
    commitSeconds.observe(c.durationMs / 1000);
  });
  s.on('result:recorded', () => results.inc());
  coordinator.on('leases:assigned', (e) => {
    issued.inc(e.count);
    assignSeconds.observe(e.waitedMs / 1000);
  });
  s.on('lease:ended', (e) => {
    if (e.end !== 'cancelled') reissued.inc({ end: e.end });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
