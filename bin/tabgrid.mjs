#!/usr/bin/env node
// The `tabgrid` command: lets Node load TypeScript through tsx, then runs the
// CLI in this same process (so signals, TTYs and exit statuses are its own).
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
