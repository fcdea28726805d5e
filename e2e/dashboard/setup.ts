/**
 * What every dashboard test file stands on: a real coordinator (a temporary
 * SQLite file, a loopback port) serving the built app (`npm run build:web`
 * first), one Chromium, requester keys for alice and bob made by the admin,
 * and, once a test asks for it, a fleet of Node volunteers. Each file has its
 * own (`dashboardSuite`), so each runs on its own.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  ADMIN_KEY,
  api,
  startServer,
  type TestServer,
} from '../../server/test/helpers.ts';
import {
  startNodeVolunteer,
  type NodeVolunteer,
} from '../../server/volunteer/node-volunteer.ts';
import { launchChromium } from '../chromium.ts';
import { Files } from './files.ts';
import { Dashboards } from './pages.ts';

/** The bound on each browser test. */
export const BOUNDED = { timeout: 60_000 };

const FLEET_SIZE = 2;

export class DashboardSetup {
  server!: TestServer;
  dashboards!: Dashboards;
  files!: Files;
  readonly keys = { alice: '', bob: '' };
  /** Empty until `startFleet`. */
  readonly fleet: NodeVolunteer[] = [];
  #browser: Browser | undefined;

  async start(): Promise<void> {
    if (!existsSync('web/dist/dashboard.html'))
      throw new Error('web/dist is missing: run `npm run build:web` first');
    mkdirSync('test-results', { recursive: true });
    this.files = new Files();
    this.server = await startServer();
    this.#browser = await launchChromium();
    this.dashboards = new Dashboards(this.#browser, this.server.url);
    this.keys.alice = await this.#requesterKey('alice');
    this.keys.bob = await this.#requesterKey('bob');
  }

  /** Connects the volunteers, two slots each; a second call does nothing. */
  startFleet(): void {
    if (this.fleet.length > 0) return;
    for (let i = 0; i < FLEET_SIZE; i++)
      this.fleet.push(startNodeVolunteer({ url: this.server.url, slots: 2 }));
  }

  /** Stops whatever `start` got to, so a failed start leaves nothing behind. */
  async stop(): Promise<void> {
    await Promise.all(this.fleet.map((v) => v.stop()));
    await this.#browser?.close();
    await this.server?.close();
    this.files?.remove();
  }

  async #requesterKey(name: string): Promise<string> {
    const res = await api(this.server.url, ADMIN_KEY).post('/api/keys', {
      name,
    });
    assert.equal(res.status, 201, res.text);
    return res.body.key;
  }
}

/** A set-up started before the tests of the calling suite and stopped after them. */
export function dashboardSuite(): DashboardSetup {
  const setup = new DashboardSetup();
  before(() => setup.start());
  after(() => setup.stop());
  return setup;
}
