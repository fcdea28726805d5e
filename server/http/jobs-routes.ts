/**
 * Requesters' REST routes for jobs. Every route sees only the caller's own
 * jobs: another owner's job is a 404, exactly as a job that does not exist.
 */
import { Readable } from 'node:stream';
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TaskDetail, TaskView } from '../../shared/api-types.ts';
import { TabgridError } from '../../shared/errors.ts';
import { specSchema } from '../../shared/spec.ts';
import { submitJob, type JobDeps } from '../jobs/submit.ts';
import { uploadInputs, type UploadFormat } from '../jobs/upload.ts';
import type { JobRow } from '../store/jobs.ts';
import {
  jobView,
  liveLeaseView,
  replicaView,
  resultLine,
  taskView,
} from './views.ts';

const idParams = {
  type: 'object',
  properties: { id: { type: 'string' } },
  required: ['id'],
};
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export async function jobRoutes(
  app: FastifyInstance,
  deps: JobDeps,
): Promise<void> {
  const { store, coordinator } = deps;

  /** The caller's job, or NOT_FOUND. */
  const ownJob = (request: FastifyRequest): JobRow => {
    const { id } = request.params as { id: string };
    const row = store.jobs.get(id);
    if (!row || row.owner !== request.key.id)
      throw new TabgridError('NOT_FOUND', `no job ${id}`);
    return row;
  };
  const view = (row: JobRow) =>
    jobView(
      row,
      coordinator.scheduler.liveLeases(row.id).length,
      store.jobs.bannedVolunteers(row.id),
    );

  app.post(
    '/api/jobs',
    {
      schema: {
        summary: 'Submit a job',
        body: z.toJSONSchema(specSchema, {
          io: 'input',
          unrepresentable: 'any',
        }),
        response: { 201: { description: 'created: `{ id, ...job }`' } },
      },
    },
    async (request, reply) => {
      const row = await submitJob(deps, request.key.id, request.body);
      request.log.info(
        { jobId: row.id, owner: row.owner, total: row.total },
        'job created',
      );
      return reply.status(201).send(view(row));
    },
  );

  app.post(
    '/api/jobs/:id/inputs',
    {
      schema: {
        summary:
          'Stream the inputs of a job created with upload: true (JSON Lines or CSV)',
        params: idParams,
        consumes: ['application/x-ndjson', 'text/csv'],
      },
    },
    async (request) => {
      const row = ownJob(request);
      const type = String(request.headers['content-type'] ?? '');
      const format: UploadFormat = type.startsWith('text/csv')
        ? 'csv'
        : 'jsonl';
      const updated = await uploadInputs(
        deps,
        row,
        request.body as Readable,
        format,
      );
      request.log.info(
        { jobId: row.id, total: updated.total },
        'job inputs uploaded',
      );
      return view(updated);
    },
  );

  app.get(
    '/api/jobs',
    { schema: { summary: "List the caller's jobs, newest first" } },
    async (request) => {
      const page = pageQuery.parse(request.query);
      return {
        jobs: store.jobs
          .list(request.key.id, page.limit, page.offset)
          .map(view),
      };
    },
  );

  app.get(
    '/api/jobs/:id',
    { schema: { summary: 'A job with its counts', params: idParams } },
    async (request) => view(ownJob(request)),
  );

  app.post(
    '/api/jobs/:id/cancel',
    { schema: { summary: 'Cancel a job', params: idParams } },
    async (request) => {
      const row = ownJob(request);
      if (row.state === 'queued' || row.state === 'running') {
        coordinator.cancelJob(row.id);
        await new Promise<void>((resolve) =>
          coordinator.commits.afterCommit(resolve),
        );
        request.log.info({ jobId: row.id }, 'job cancelled');
      }
      return view(store.jobs.get(row.id)!);
    },
  );

  app.get(
    '/api/jobs/:id/results',
    {
      schema: {
        summary:
          'Results in task order, as JSON Lines (or CSV with ?format=csv)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const row = ownJob(request);
      const csv = (request.query as { format?: string }).format === 'csv';
      reply.type(
        csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      );
      if (csv)
        reply.header(
          'content-disposition',
          `attachment; filename="${row.id}.csv"`,
        );
      return reply.send(Readable.from(resultLines(deps, row.id, csv)));
    },
  );

  app.get(
    '/api/jobs/:id/tasks',
    { schema: { summary: 'A page of tasks', params: idParams } },
    async (request) => {
      const row = ownJob(request);
      const q = z
        .object({
          from: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          /** `problem`: only tasks that failed or settled as an error. */
          only: z.enum(['all', 'problem']).default('all'),
        })
        .parse(request.query);
      const live = coordinator.scheduler.liveLeases(row.id);
      return {
        tasks: (q.only === 'problem'
          ? store.tasks.problems(row.id, q.from, q.limit)
          : store.tasks.page(row.id, q.from, q.limit)
        ).map((t): TaskView => ({
          ...taskView(t),
          leased: live.filter((l) => l.taskIndex === t.index).length,
        })),
      };
    },
  );

  app.get(
    '/api/jobs/:id/tasks/:index',
    {
      schema: {
        summary:
          'One task with every replica, its volunteer, result hash and verdict',
      },
    },
    async (request): Promise<TaskDetail> => {
      const row = ownJob(request);
      const index = Number((request.params as { index: string }).index);
      const task = Number.isInteger(index)
        ? store.tasks.get(row.id, index)
        : undefined;
      if (!task)
        throw new TabgridError(
          'NOT_FOUND',
          `job ${row.id} has no task ${String((request.params as { index: string }).index)}`,
        );
      const live = coordinator.scheduler
        .liveLeases(row.id)
        .filter((l) => l.taskIndex === index);
      return {
        ...taskView(task),
        replicas: [
          ...store.tasks.replicas(row.id, index).map(replicaView),
          ...live.map(liveLeaseView),
        ],
      };
    },
  );
}

async function* resultLines(
  deps: JobDeps,
  jobId: string,
  csv: boolean,
): AsyncGenerator<string> {
  if (csv) yield 'index,status,output,error\n';
  let after = -1;
  for (;;) {
    // Pages, not one long iterator: other statements must run between them.
    const page = deps.store.tasks.results(jobId, after, 1000);
    if (page.length === 0) return;
    let chunk = '';
    for (const r of page) {
      chunk += csv
        ? csvLine(r.index, r.state, r.output, r.error)
        : resultLine(r.index, r.state, r.output, r.error);
    }
    after = page[page.length - 1]!.index;
    yield chunk;
  }
}

function csvLine(
  index: number,
  state: string,
  output: string | null,
  error: string | null,
): string {
  const message =
    error === null
      ? ''
      : ((JSON.parse(error) as { message?: string }).message ?? '');
  const status =
    state === 'settled' ? (output !== null ? 'ok' : 'error') : 'failed';
  return `${index},${status},${csvCell(output ?? '')},${csvCell(message)}\n`;
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
