/** Whether the coordinator has work: any job of the key queued or running. */

const BUSY_STATES = new Set(['queued', 'running']);
const PAGE_SIZE = 1000;

/** Jobs of `key` that are queued or running, from GET /api/jobs. */
export async function busyJobs(url: string, key: string): Promise<number> {
  let busy = 0;
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const jobs = await jobPage(url, key, offset);
    busy += jobs.filter((j) => BUSY_STATES.has(j.state)).length;
    if (jobs.length < PAGE_SIZE) return busy;
  }
}

async function jobPage(
  url: string,
  key: string,
  offset: number,
): Promise<Array<{ state: string }>> {
  const res = await fetch(
    `${url}/api/jobs?limit=${PAGE_SIZE}&offset=${offset}`,
    { headers: { authorization: `Bearer ${key}` } },
  );
  if (!res.ok) {
    const body = await res.text();
    throw new Error(
      `GET /api/jobs answered ${res.status}: ${body.slice(0, 200)}` +
        (res.status === 401 ? ' (check --key)' : ''),
    );
  }
  return ((await res.json()) as { jobs: Array<{ state: string }> }).jobs;
}
