#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh clone. Installs dependencies if missing; the
# integration tiers' global setup finds or starts Kafka and PostgreSQL (environment →
# Testcontainers → the local broker and PostgreSQL of scripts/infra-up.sh).
# With arguments, they go to Jest as they are (e.g. `npm test -- libs/domain`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ $# -gt 0 ]; then exec npx jest "$@"; fi
start=$(date +%s)
# --forceExit: a Kafka client a test forgot to close must not hold CI for ever.
npx jest --selectProjects unit integration --forceExit
# Tests that restart PostgreSQL or the broker would disturb the parallel files: alone, last.
if compgen -G "test/faults/disruptive/*.integration-spec.ts" >/dev/null; then
  bash scripts/test-disruptive.sh
fi
echo "npm test: whole suite green in $(( $(date +%s) - start )) s"
