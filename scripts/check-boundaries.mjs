#!/usr/bin/env node
// Import boundaries between the top-level folders (docs/architecture): shared/
// imports none of the others, server/ never imports web/, web/ never server/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const forbidden = {
  shared: ['server', 'web', 'e2e', 'bench'],
  server: ['web', 'e2e', 'bench'],
  web: ['server', 'e2e', 'bench'],
};

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|tsx|mjs|js)$/.test(name)) yield path;
  }
}

const problems = [];
for (const [folder, banned] of Object.entries(forbidden)) {
  for (const file of files(join(root, folder))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(
      /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g,
    )) {
      const spec = match[1];
      if (!spec.startsWith('.')) continue;
      const target = relative(root, resolve(dirname(file), spec)).split(
        /[\\/]/,
      )[0];
      if (!banned.includes(target)) continue;
      const where = relative(root, file);
      problems.push(
        `${where} imports ${spec} (${folder}/ may not import ${target}/)`,
      );
    }
  }
}
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`boundary: ${p}\n`);
  process.exit(1);
}
process.stdout.write('import boundaries hold\n');
