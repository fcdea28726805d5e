/**
 * Creating a job: validate the spec, check the code parses, then store the
 * job and its tasks. Inline inputs go in one transaction with the job; a
 * range is inserted in chunks so the event loop keeps serving; an upload job
 * waits for its inputs (see upload.ts).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  parseSpec,
  rangeInput,
  rangeTaskCount,
  type JobSpec,
} from '../../shared/spec.ts';
import { TabgridError } from '../../shared/errors.ts';
import { utf8Length, type Limits } from '../../shared/limits.ts';
import { checkJobCode } from './code-check.ts';
import { canonicalJson } from '../../shared/canonical.ts';
import { newId } from '../store/keys.ts';
import type { JobParams, JobRow } from '../store/jobs.ts';
import type { Store } from '../store/store.ts';
import type { TaskInsert } from '../store/tasks.ts';
import type { Coordinator } from '../coordinator.ts';

export interface JobDeps {
  store: Store;
  coordinator: Coordinator;
  limits: Limits;
}

const CHUNK = 20_000;

export async function submitJob(
  deps: JobDeps,
  owner: string,
  body: unknown,
): Promise<JobRow> {
  const spec = parseSpec(body);
  const { limits, store } = deps;
  const codeBytes = utf8Length(spec.code);
  if (codeBytes > limits.maxCodeBytes) {
    throw new TabgridError(
      'PAYLOAD_TOO_LARGE',
      `code: is ${codeBytes} bytes; the limit is ${limits.maxCodeBytes}`,
      { field: 'code' },
    );
  }
  const { hasReduce } = checkJobCode(spec.code);
  const id = newId('j_');
  const params = paramsOf(spec, hasReduce);
  const base = {
    id,
    owner,
    name: spec.name,
    description: spec.description,
    code: spec.code,
    params,
  };
  const source = spec.source;
  if (source.kind === 'inline') {
    const rows = inlineRows(spec, source.tasks, limits);
    store.db.transaction(() => {
      store.jobs.create({ ...base, inputsComplete: true, total: rows.length });
      store.tasks.insertMany(id, 0, rows);
    })();
  } else if (source.kind === 'range') {
    const total = rangeTaskCount(source);
    checkTaskCount(total, limits, 'range');
    store.jobs.create({ ...base, inputsComplete: false, total });
    const priority = spec.weight / spec.estimatedTaskMs;
    for (let first = 0; first < total; first += CHUNK) {
      const rows: TaskInsert[] = [];
      for (let i = first; i < Math.min(total, first + CHUNK); i++) {
        rows.push({
          inputJson: JSON.stringify(rangeInput(source, i)),
          priority,
        });
      }
      store.tasks.insertMany(id, first, rows);
      await nextTurn();
    }
    store.jobs.completeInputs(id, total);
  } else {
    store.jobs.create({ ...base, inputsComplete: false, total: 0 });
  }
  if (spec.canaries.length > 0) {
    store.jobs.addCanaries(
      id,
      spec.canaries.map((c) => ({
        inputJson: JSON.stringify(c.input ?? null),
        expectedJson: canonicalJson(c.output ?? null),
      })),
    );
  }
  const row = store.jobs.get(id)!;
  if (row.inputsComplete) deps.coordinator.activate(row);
  return row;
}

function paramsOf(spec: JobSpec, reduce: boolean): JobParams {
  return {
    reduce,
    reduceBatchSize: spec.reduceBatchSize,
    redundancy: spec.redundancy,
    quorum: spec.quorum,
    maxReplicas: spec.maxReplicas,
    compare: spec.compare,
    timeoutMs: spec.timeoutMs,
    weight: spec.weight,
    estimatedTaskMs: spec.estimatedTaskMs,
    verification: spec.verification,
    targetErrorRate: spec.targetErrorRate,
    spotCheckRate: spec.spotCheckRate,
  };
}

function inlineRows(
  spec: JobSpec,
  tasks: { input: unknown; weight?: number; estimatedTaskMs?: number }[],
  limits: Limits,
): TaskInsert[] {
  const field = 'inputs';
  if (tasks.length === 0) {
    throw new TabgridError(
      'BAD_REQUEST',
      `${field}: must hold at least one input`,
      { field },
    );
  }
  checkTaskCount(tasks.length, limits, field);
  return tasks.map((task, i) => {
    const inputJson = JSON.stringify(task.input ?? null);
    const bytes = utf8Length(inputJson);
    if (bytes > limits.maxInputBytes) {
      throw new TabgridError(
        'PAYLOAD_TOO_LARGE',
        `${field}[${i}]: is ${bytes} bytes; the limit is ${limits.maxInputBytes}`,
        { field: `${field}[${i}]` },
      );
    }
    const weight = task.weight ?? spec.weight;
    const estimated = task.estimatedTaskMs ?? spec.estimatedTaskMs;
    return { inputJson, priority: weight / estimated };
  });
}

export function checkTaskCount(
  total: number,
  limits: Limits,
  field: string,
): void {
  if (total > limits.maxTasksPerJob) {
    throw new TabgridError(
      'PAYLOAD_TOO_LARGE',
      `${field}: makes ${total} tasks; the limit is ${limits.maxTasksPerJob}`,
      { field },
    );
  }
}
