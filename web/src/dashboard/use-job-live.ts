/**
 * The live state of one job for its page: the latest snapshot, the stream's
 * health, and the server's clock, ticking once a second while the job runs
 * so that elapsed time and the rate move on between snapshots.
 */
import { useEffect, useState } from 'react';
import type { Api, ApiError } from './api.ts';
import { watchJob, type LiveState } from './events.ts';
import {
  FINAL_STATES,
  type JobSnapshot,
  type JobView,
} from '../../../shared/api-types.ts';

export interface JobLive {
  snapshot: JobSnapshot | null;
  connection: LiveState;
  error: ApiError | null;
  /** Now by the server's clock (as of the last snapshot), in ms since the epoch. */
  serverNowMs: number;
  /** Puts a job view the page got from elsewhere (Cancel's answer) in place. */
  replaceJob(job: JobView): void;
}

const TICK_MS = 1000;

interface Received {
  snapshot: JobSnapshot;
  /** Our clock minus the server's when the snapshot arrived. */
  skewMs: number;
}

export function useJobLive(api: Api, jobId: string): JobLive {
  const [received, setReceived] = useState<Received | null>(null);
  const [connection, setConnection] = useState<LiveState>('connecting');
  const [error, setError] = useState<ApiError | null>(null);
  const [nowMs, setNowMs] = useState(() => Date.now());

  useEffect(() => {
    setReceived(null);
    setError(null);
    return watchJob(api, jobId, {
      onSnapshot: (snapshot) => {
        setReceived({ snapshot, skewMs: Date.now() - snapshot.at });
        setNowMs(Date.now());
      },
      onState: setConnection,
      onFatal: setError,
    });
  }, [api, jobId]);

  const running =
    received !== null && !FINAL_STATES.has(received.snapshot.job.state);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNowMs(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [running]);

  const replaceJob = (job: JobView) =>
    setReceived((r) => (r ? { ...r, snapshot: { ...r.snapshot, job } } : r));
  return {
    snapshot: received?.snapshot ?? null,
    connection,
    error,
    serverNowMs: nowMs - (received?.skewMs ?? 0),
    replaceJob,
  };
}
