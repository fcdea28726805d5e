/**
 * Downloads a job's results. The request needs the Authorization header, so
 * it cannot be a plain link: the whole response is fetched into a Blob and
 * handed to the browser through an object URL, so it all sits in memory.
 */
// TODO: stream big results to disk; needs a short-lived download URL from the server.
import type { Api } from './api.ts';

export type ResultFormat = 'jsonl' | 'csv';

export async function downloadResults(
  api: Api,
  job: { id: string; name: string },
  format: ResultFormat,
): Promise<void> {
  const query = format === 'csv' ? '?format=csv' : '';
  const res = await api.fetch(
    `/api/jobs/${encodeURIComponent(job.id)}/results${query}`,
  );
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${fileStem(job.name)}-${job.id}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the blob once the click is handled; free it soon after.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function fileStem(name: string): string {
  const stem = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return stem || 'results';
}
