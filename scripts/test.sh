#!/usr/bin/env bash
# Runs every test with node's test runner. `scripts/test.sh unit` runs only the fast unit tests
# (files named *.test.js); the default also runs end-to-end tests (*.e2e.test.js) that start clusters
# and drive them with the real kubectl, and the acceptance scenarios in ../shared/acceptance.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
mapfile -t unit < <(find dist/src dist/test -name '*.test.js' ! -name '*.e2e.test.js' 2>/dev/null | sort)
mapfile -t e2e < <(find dist/src dist/test -name '*.e2e.test.js' 2>/dev/null | sort)
files=("${unit[@]}")
[ "$mode" = unit ] || files+=("${e2e[@]}")
node --test --test-concurrency=2 --test-timeout=300000 "${files[@]}"
