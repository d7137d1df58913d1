#!/usr/bin/env bash
# `npm run check`: format, type-aware lint with zero warnings, types, architecture boundaries.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
step() { printf '\n== %s\n' "$1"; }
step "format (prettier --check)"; npx prettier --check . --log-level warn
step "types (tsc --noEmit)"; npx tsc --noEmit -p tsconfig.json
step "lint (eslint, zero warnings)"; npx eslint . --max-warnings 0
step "boundaries (dependency-cruiser)"; npx depcruise apps libs --config .dependency-cruiser.js
echo; echo "check: all passed"
