/**
 * `npx tsx bench/probes/kernel-in-tab.ts [iters] [tabs] [extra Chromium flags,…]`:
 * times scenario 7's LCG kernel in one Node thread and in a dedicated worker
 * of each of `tabs` Chromium tabs at once, and reads the CPU seconds each
 * side really got (Node: `process.cpuUsage`; tabs: the renderers' cpuTime
 * from CDP `SystemInfo.getProcessInfo`). Wall ÷ CPU tells whether a slow tab
 * computed slowly (CPU ≈ wall, both above Node) or waited for a core
 * (CPU ≈ Node's, wall above it): on a shared machine it is the second.
 */
import { Worker as NodeWorker } from 'node:worker_threads';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../e2e/fleet/browser.ts';
import { cpuMsByName, threadCpuMs } from '../lib/threads.ts';

const KERNEL = `const kernel = (input) => {
  let x = input.seed | 0;
  let acc = 0;
  for (let i = 0; i < input.iters; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    acc = (acc + (x >>> 16)) | 0;
  }
  return acc;
};`;
const REPS = 4;

const iters = Number(process.argv[2] ?? 4e7);
const tabs = Number(process.argv[3] ?? 2);
const extraFlags = (process.argv[4] ?? '').split(',').filter(Boolean);

function nodeRun(): { wallMs: number; cpuMs: number; laps: number[] } {
  const kernel = new Function(`${KERNEL} return kernel;`)();
  kernel({ seed: 1, iters: 1e6 });
  const cpu = process.cpuUsage();
  const laps: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const started = performance.now();
    kernel({ seed: r + 1, iters });
    laps.push(Math.round(performance.now() - started));
  }
  const { user, system } = process.cpuUsage(cpu);
  const wallMs = laps.reduce((a, b) => a + b, 0);
  return { wallMs, cpuMs: (user + system) / 1000, laps };
}

/** The kernel in `count` Node worker threads at once, as the tabs run it: lap ms each. */
function nodeThreadsRun(count: number): Promise<number[][]> {
  const source = `const { parentPort } = require('node:worker_threads');
${KERNEL}
parentPort.once('message', (n) => {
  kernel({ seed: 1, iters: 1e6 });
  const laps = [];
  for (let r = 0; r < ${REPS}; r++) {
    const started = performance.now();
    kernel({ seed: r + 1, iters: n });
    laps.push(Math.round(performance.now() - started));
  }
  parentPort.postMessage(laps);
});`;
  return Promise.all(
    Array.from({ length: count }, async () => {
      const worker = new NodeWorker(source, { eval: true });
      const laps = new Promise<number[]>((resolve) =>
        worker.once('message', resolve),
      );
      worker.postMessage(iters);
      const result = await laps;
      await worker.terminate();
      return result;
    }),
  );
}

const WORKER = `${KERNEL}
onmessage = (e) => {
  kernel({ seed: 1, iters: 1e6 });
  const laps = [];
  for (let r = 0; r < ${REPS}; r++) {
    const started = performance.now();
    kernel({ seed: r + 1, iters: e.data });
    laps.push(Math.round(performance.now() - started));
  }
  postMessage(laps);
};`;

function tabRun(page: Page): Promise<number[]> {
  return page.evaluate(
    ([source, n]) =>
      new Promise<number[]>((resolve) => {
        const url = URL.createObjectURL(
          new Blob([source], { type: 'text/javascript' }),
        );
        // The page's Worker (the server tsconfig has no DOM types).
        type PageWorker = {
          onmessage: (e: { data: unknown }) => void;
          postMessage(data: unknown): void;
        };
        const PageWorker = (globalThis as Record<string, unknown>)
          .Worker as new (url: string) => PageWorker;
        const worker = new PageWorker(url);
        worker.onmessage = (e) => resolve(e.data as number[]);
        worker.postMessage(n);
      }),
    [WORKER, iters] as const,
  );
}

const node = nodeRun();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [...CHROMIUM_ARGS, ...extraFlags],
});
const cdp = await browser.newBrowserCDPSession();
const rendererCpuMs = async (): Promise<number> => {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; cpuTime: number }[];
  };
  return processInfo
    .filter((p) => p.type === 'renderer')
    .reduce((sum, p) => sum + p.cpuTime * 1000, 0);
};
const pages: Page[] = [];
for (let i = 0; i < tabs; i++) {
  const page = await (await browser.newContext()).newPage();
  await page.goto('data:text/html,<p>kernel probe</p>');
  pages.push(page);
}
const cpuBefore = await rendererCpuMs();
const threadsBefore = threadCpuMs();
const laps = await Promise.all(pages.map(tabRun));
const walls = laps.map((l) => l.reduce((a, b) => a + b, 0));
const tabCpuMs = (await rendererCpuMs()) - cpuBefore;
const threads = cpuMsByName(threadsBefore, threadCpuMs());
await browser.close();
// Right after the tabs, under the same machine load: as many Node threads at once.
const nodeThreads = await nodeThreadsRun(tabs);

const round = (n: number) => Math.round(n);
process.stdout.write(
  JSON.stringify(
    {
      iters,
      reps: REPS,
      flags: extraFlags,
      node: {
        wallMs: round(node.wallMs),
        cpuMs: round(node.cpuMs),
        lapMs: node.laps,
      },
      tabs: {
        wallMs: walls.map(round),
        lapMs: laps,
        rendererCpuMsTotal: round(tabCpuMs),
        wallOverNode: walls.map((w) => +(w / node.wallMs).toFixed(2)),
        cpuOverNode: +(tabCpuMs / tabs / node.cpuMs).toFixed(2),
      },
      /** The same laps in as many Node worker threads at once, run after the tabs. */
      nodeThreadsLapMs: nodeThreads,
      /** CPU ms per thread name, over every process this probe started, from /proc. */
      threads,
    },
    null,
    2,
  ) + '\n',
);
