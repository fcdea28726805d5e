#!/usr/bin/env bash
# The whole suite: type check, import boundaries, formatting, the web build,
# then every unit, integration and end-to-end test under node:test.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== build web"; npm run --silent build:web > /dev/null

mapfile -t files < <(find shared server e2e -name '*.test.ts' -not -path '*/node_modules/*' | sort)
echo "== ${#files[@]} test files"
tap="$(mktemp)"
status=0
node --import tsx --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}" || status=$?
pass=$(grep -E '^# pass ' "$tap" | awk '{print $3}')
fail=$(grep -E '^# fail ' "$tap" | awk '{print $3}')
skipped=$(grep -E '^# skipped ' "$tap" | awk '{print $3}')
rm -f "$tap"
echo "${pass:-0} passed, ${fail:-0} failed, ${skipped:-0} skipped"
exit $status
