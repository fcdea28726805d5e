/** The few REST calls the demo makes, with errors that say what failed. */

export interface JobView {
  id: string;
  name: string;
  state: string;
  counts: {
    total: number;
    settled: number;
    failed: number;
    replicas: number;
    reissued: number;
  };
  createdAt: number;
  finishedAt: number | null;
}

export interface ResultLine<T> {
  index: number;
  output?: T;
  error?: { message?: string };
}

export function restClient(url: string, key: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok)
      throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text;
  };
  return {
    submit: async (spec: object): Promise<JobView> =>
      JSON.parse(await call('POST', '/api/jobs', spec)) as JobView,
    job: async (id: string): Promise<JobView> =>
      JSON.parse(await call('GET', `/api/jobs/${id}`)) as JobView,
    /** Every task's verified output, in task order; throws on a task without one. */
    outputs: async <T>(id: string): Promise<T[]> => {
      const text = await call('GET', `/api/jobs/${id}/results`);
      const lines = text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ResultLine<T>);
      return lines.map((line) => {
        if (line.output === undefined)
          throw new Error(
            `task ${line.index} of job ${id} has no output: ` +
              (line.error?.message ?? 'unknown error'),
          );
        return line.output;
      });
    },
  };
}

export type RestClient = ReturnType<typeof restClient>;
