#!/usr/bin/env bash
# Runs every test: node's test runner over the compiled unit tests (*.test.js) and end-to-end tests
# (*.e2e.test.js: they start clusters and drive them with the real kubectl), then the acceptance scenarios in
# ../shared/acceptance (real kubectl against `bin/stowage up`, as a user would) when that folder is present.
# `scripts/test.sh unit` runs only the unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
node scripts/check-layers.mjs
mapfile -t unit < <(find dist/src dist/test dist/bench -name '*.test.js' ! -name '*.e2e.test.js' 2>/dev/null | sort)
mapfile -t e2e < <(find dist/src dist/test dist/bench -name '*.e2e.test.js' 2>/dev/null | sort)
files=("${unit[@]}")
[ "$mode" = unit ] || files+=("${e2e[@]}")
node --test --test-concurrency=2 --test-timeout=300000 "${files[@]}"
if [ "$mode" != unit ] && [ -f ../shared/acceptance/run-all.sh ]; then
  echo "acceptance scenarios (../shared/acceptance):"
  bash ../shared/acceptance/run-all.sh
fi
