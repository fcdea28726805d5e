/**
 * Builds the browser app: the volunteer page (`/`), the dashboard
 * (`/dashboard`), a test harness for the sandbox, and the sandbox worker.
 *
 * The worker is emitted on its own under `dist/sandbox/`, as one file with no
 * imports, because the server sends everything under `/sandbox/` with
 * `Content-Security-Policy: default-src 'none'; script-src blob:
 * 'wasm-unsafe-eval'`: under that policy the worker cannot load a shared chunk
 * from this origin, and neither can the job code it runs.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const coordinator = 'http://127.0.0.1:8080';

/** In dev, `/dashboard` and `/dashboard/*` get the dashboard page, as the server does. */
function dashboardRoute(): Plugin {
  return {
    name: 'tabgrid-dashboard-route',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.url && /^\/dashboard(?:[/?]|$)/.test(req.url)) {
          req.url = '/dashboard.html' + (req.url.match(/\?.*$/)?.[0] ?? '');
        }
        next();
      });
    },
  };
}

export default defineConfig({
  root: webRoot,
  base: '/',
  appType: 'mpa',
  plugins: [react(), dashboardRoute()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        index: `${webRoot}index.html`,
        dashboard: `${webRoot}dashboard.html`,
        harness: `${webRoot}harness.html`,
      },
    },
  },
  worker: {
    format: 'es',
    rolldownOptions: {
      output: {
        entryFileNames: 'sandbox/[name]-[hash].js',
        // One self-contained file: a chunk could not be loaded under the CSP.
        codeSplitting: false,
      },
    },
  },
  server: {
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': coordinator,
      '/metrics': coordinator,
      '/ws': { target: coordinator, ws: true },
    },
  },
});
