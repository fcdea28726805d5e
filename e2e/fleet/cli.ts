/**
 * `npm run fleet -- --url URL --tabs N [...]`: a fleet of Chromium volunteer
 * tabs with a live status line on stderr and a summary on stdout at the
 * end. See USAGE in args.ts for the flags.
 *
 * Exit codes: 0 when the run ends as asked (duration, idle, or Ctrl-C when
 * neither was given), 1 when the fleet or the coordinator fails, 2 for bad
 * flags, 130 for Ctrl-C before a --duration or --until-idle end.
 */
import { isUsageError, parseCliArgs, USAGE, type CliOptions } from './args.ts';
import { launchFleet, type Fleet, type FleetStats } from './fleet.ts';
import { busyJobs } from './idle.ts';
import { formatSeconds, formatStats, LiveLine } from './status-line.ts';
import type { Problem } from './tab.ts';

type StopReason = 'duration' | 'idle' | 'signal' | 'coordinator';

const TICK_MS = 1000;
/** Idle checks that may fail in a row (a coordinator restarting) before giving up. */
const MAX_IDLE_CHECK_FAILURES = 10;
const PROBLEMS_LISTED = 10;

const REASON_TEXT: Record<StopReason, string> = {
  duration: 'the duration was reached',
  idle: 'no job is queued or running',
  signal: 'interrupted',
  coordinator: 'the coordinator could not be asked for its jobs',
};

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (err) {
    if (!isUsageError(err)) throw err;
    process.stderr.write(
      `fleet: ${(err as Error).message}\n(npm run fleet -- --help lists the flags)\n`,
    );
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const startedAt = Date.now();
  const fleet = await launchFleet(options.fleet);
  const line = new LiveLine();
  const reason = await runUntilStopped(fleet, options, (stats) =>
    line.update(formatStats(stats, Date.now() - startedAt)),
  );
  line.finish();
  await fleet.close();
  printSummary(fleet.stats(), fleet.problems(), Date.now() - startedAt, reason);
  if (reason === 'coordinator') return 1;
  if (reason === 'signal' && (options.durationS || options.untilIdle))
    return 130;
  return 0;
}

/** Ticks once a second until the duration ends, work runs out, or a signal. */
function runUntilStopped(
  fleet: Fleet,
  options: CliOptions,
  show: (stats: FleetStats) => void,
): Promise<StopReason> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    let failures = 0;
    let checking = false;
    const stop = (reason: StopReason) => {
      clearInterval(timer);
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      resolve(reason);
    };
    const onSignal = () => stop('signal');
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    const checkIdle = async () => {
      if (checking || !options.key) return;
      checking = true;
      try {
        if ((await busyJobs(options.fleet.url, options.key)) === 0)
          stop('idle');
        failures = 0;
      } catch (err) {
        process.stderr.write(`\nfleet: ${(err as Error).message}\n`);
        if (++failures >= MAX_IDLE_CHECK_FAILURES) stop('coordinator');
      } finally {
        checking = false;
      }
    };
    const timer = setInterval(() => {
      show(fleet.stats());
      const elapsedS = (Date.now() - startedAt) / 1000;
      if (options.durationS !== undefined && elapsedS >= options.durationS)
        stop('duration');
      else if (options.untilIdle) void checkIdle();
    }, TICK_MS);
    show(fleet.stats());
  });
}

function printSummary(
  stats: FleetStats,
  problems: Problem[],
  elapsedMs: number,
  reason: StopReason,
): void {
  const { closed, reloaded, offline, skipped } = stats.churned;
  const expected = problems.filter((p) => p.expected).length;
  const listed = problems.filter((p) => !p.expected);
  const lines = [
    `fleet ran ${formatSeconds(elapsedMs)} and stopped: ${REASON_TEXT[reason]}`,
    `  tabs: ${stats.tabs} (${stats.saboteurs} saboteurs, ` +
      `${stats.colluders} colluders)`,
    `  tasks done: ${stats.tasksDone}`,
    `  churn: ${closed} closed and replaced, ${reloaded} reloaded, ` +
      `${offline} taken offline, ${skipped} skipped (no free tab)`,
    `  wrong outputs sent on purpose: ${stats.wrongOutputs}`,
    `  problems: ${listed.length}` +
      (expected > 0 ? ` (and ${expected} failed requests while offline)` : ''),
    ...listed
      .slice(0, PROBLEMS_LISTED)
      .map(
        (p) =>
          `    tab ${p.tabId} ${p.kind}: ${p.text}` +
          (p.duringChurn ? ` (during ${p.duringChurn})` : ''),
      ),
  ];
  if (listed.length > PROBLEMS_LISTED)
    lines.push(`    … and ${listed.length - PROBLEMS_LISTED} more`);
  process.stdout.write(lines.join('\n') + '\n');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fleet: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
