/**
 * A page that only builds a WorkerPool and puts it on `window`, so that
 * tests can run job code in the real sandbox without a coordinator. It holds
 * nothing secret and talks to no server.
 */
import type { CodeMessage, Lease } from '../../../shared/protocol.ts';
import { WorkerPool } from '../pool/pool.ts';
import { HARNESS_GLOBAL, type Harness } from './api.ts';

// `?worker=missing` points the pool at a script that does not exist, to test crashes.
const missing =
  new URLSearchParams(location.search).get('worker') === 'missing';
const pool = new WorkerPool({
  size: 1,
  ...(missing
    ? {
        createWorker: () =>
          new Worker('/sandbox/missing.js', { type: 'module' }),
      }
    : {}),
});
const progressWaiters = new Map<number, (fraction: number) => void>();
let nextLeaseId = 1;

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(text),
  );
  return [...new Uint8Array(digest)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

const harness: Harness = {
  async run(code, partial = {}) {
    const hash = await sha256Hex(code);
    const lease: Lease = {
      leaseId: nextLeaseId++,
      jobId: `job-${hash.slice(0, 8)}`,
      taskIndex: 0,
      input: null,
      seed: [1, 2, 3, 4],
      timeoutMs: 10_000,
      ...partial,
    };
    const job: CodeMessage = {
      type: 'code',
      jobId: lease.jobId,
      hash,
      code,
      name: 'harness job',
      description: '',
    };
    const progress: number[] = [];
    const onProgress = (fraction: number) => {
      progress.push(fraction);
      progressWaiters.get(lease.leaseId)?.(fraction);
      progressWaiters.delete(lease.leaseId);
    };
    const outcome = await pool.run({
      lease,
      job,
      onProgress,
      onCheckpoint: () => {},
    });
    return { outcome, progress };
  },
  firstProgress(leaseId) {
    return new Promise((resolve) => progressWaiters.set(leaseId, resolve));
  },
  cancel: (leaseId) => pool.cancel(leaseId),
  resize: (size) => pool.resize(size),
  stats: () => ({
    size: pool.size,
    workers: pool.workerCount,
    busy: pool.busyCount,
  }),
};

Object.defineProperty(window, HARNESS_GLOBAL, { value: harness });
