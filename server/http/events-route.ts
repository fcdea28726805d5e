/**
 * `GET /api/jobs/:id/events`: server-sent events for a live job page. Each
 * event is a `snapshot` (the job view, its throughput series and the
 * volunteers holding its leases), sent at once, then whenever the job
 * changed, at most every `intervalMs`. The stream ends after the snapshot of
 * a finished job. Clients send the API key in the Authorization header (use
 * fetch and read the body; EventSource cannot set headers).
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { JobSnapshot } from '../../shared/api-types.ts';
import { TabgridError } from '../../shared/errors.ts';
import type { JobDeps } from '../jobs/submit.ts';
import type { Throughput } from '../jobs/throughput.ts';
import { jobView } from './views.ts';

export async function eventsRoute(
  app: FastifyInstance,
  deps: JobDeps & { throughput: Throughput; intervalMs?: number },
): Promise<void> {
  const { store, coordinator, throughput } = deps;
  const intervalMs = deps.intervalMs ?? 500;

  app.get(
    '/api/jobs/:id/events',
    {
      schema: { summary: 'Live job snapshots as server-sent events' },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const first = store.jobs.get(id);
      if (!first || first.owner !== request.key.id)
        throw new TabgridError('NOT_FOUND', `no job ${id}`);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let last = '';
      let ticks = 0;
      const send = (): boolean => {
        const row = store.jobs.get(id);
        if (!row) return false;
        const leases = coordinator.scheduler.liveLeases(id);
        const view = jobView(row, leases.length);
        const key = JSON.stringify(view.counts) + view.state;
        const final = !['queued', 'running'].includes(row.state);
        // A heartbeat comment every ~15 s keeps proxies from closing an idle stream.
        if (key === last && ++ticks % 30 !== 0) return !final;
        if (key === last) {
          res.write(': still here\n\n');
          return !final;
        }
        last = key;
        const volunteers = new Map<string, number>();
        for (const l of leases)
          volunteers.set(
            l.volunteerId,
            (volunteers.get(l.volunteerId) ?? 0) + 1,
          );
        const snapshot: JobSnapshot = {
          job: view,
          throughput: throughput.of(id),
          volunteers: [...volunteers].map(([volunteerId, leased]) => ({
            volunteerId,
            leased,
          })),
          at: Date.now(),
        };
        res.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
        return !final;
      };
      const timer = setInterval(() => {
        if (!send()) stop();
      }, intervalMs);
      const stop = () => {
        clearInterval(timer);
        res.end();
      };
      request.raw.on('close', () => clearInterval(timer));
      if (!send()) stop();
    },
  );
}
