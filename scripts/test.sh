#!/usr/bin/env bash
# The whole suite on a fresh clone: installs dependencies if missing; the integration tier's
# global setup finds or starts Kafka and PostgreSQL (environment → Testcontainers → local scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi
exec npx jest "$@"
