/**
 * The Playwright fleet as a library: real Chromium tabs as volunteers, with
 * churn, saboteurs and colluders injected on purpose. `cli.ts` wraps it.
 */
export { launchFleet, Fleet, type FleetStats } from './fleet.ts';
export {
  CHURN_ACTIONS,
  type ChurnAction,
  type FleetOptions,
} from './options.ts';
export type { ChurnCounts } from './churn.ts';
export type { Role } from './faults.ts';
export type { Problem, TabView } from './tab.ts';
export { CHROMIUM_ARGS, launchChromium } from './browser.ts';
