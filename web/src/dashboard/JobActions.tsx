/**
 * Downloading a job's results (JSON Lines or CSV) and cancelling it.
 * Cancel asks once more before it acts: a cancelled job cannot be resumed,
 * though the results it settled stay downloadable.
 */
import { useState } from 'react';
import { messageOf, type Api } from './api.ts';
import { downloadResults, type ResultFormat } from './download.ts';
import { FINAL_STATES, type JobView } from '../../../shared/api-types.ts';

interface Props {
  api: Api;
  job: JobView;
  onCancelled(job: JobView): void;
}

export function JobActions({ api, job, onCancelled }: Props) {
  const [busy, setBusy] = useState<ResultFormat | 'cancel' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ended = job.counts.settled + job.counts.failed;
  const live = !FINAL_STATES.has(job.state);

  const run = async (
    what: ResultFormat | 'cancel',
    action: () => Promise<void>,
  ) => {
    setBusy(what);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  };
  const download = (format: ResultFormat) =>
    run(format, () => downloadResults(api, job, format));
  const cancel = () =>
    run('cancel', async () => {
      setConfirming(false);
      const id = encodeURIComponent(job.id);
      onCancelled(await api.post<JobView>(`/api/jobs/${id}/cancel`));
    });

  return (
    <div className="job-actions">
      <span className="muted">Results{live ? ' so far' : ''}:</span>
      <button
        type="button"
        className="small"
        data-testid="download-jsonl"
        disabled={busy !== null || ended === 0}
        onClick={() => void download('jsonl')}
      >
        {busy === 'jsonl' ? 'Preparing…' : 'JSON Lines'}
      </button>
      <button
        type="button"
        className="small"
        data-testid="download-csv"
        disabled={busy !== null || ended === 0}
        onClick={() => void download('csv')}
      >
        {busy === 'csv' ? 'Preparing…' : 'CSV'}
      </button>
      {live && !confirming ? (
        <button
          type="button"
          className="small danger"
          data-testid="cancel-button"
          disabled={busy !== null}
          onClick={() => setConfirming(true)}
        >
          Cancel job
        </button>
      ) : null}
      {live && confirming ? (
        <span className="confirm" role="group" aria-label="Confirm cancel">
          <span>Stop handing out its tasks?</span>
          <button
            type="button"
            className="small danger primary"
            data-testid="cancel-confirm"
            onClick={() => void cancel()}
          >
            Yes, cancel
          </button>
          <button
            type="button"
            className="small quiet"
            onClick={() => setConfirming(false)}
          >
            Keep running
          </button>
        </span>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
