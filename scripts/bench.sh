#!/usr/bin/env bash
# `npm run bench [ingest|query|export|api …]`: the benchmarks (all when none is named).
# Each prints its figures and the ratios its issue asks for; results go in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(ingest query export api)
bash scripts/infra-up.sh
for name in "${names[@]}"; do
  echo "== bench:$name"
  npm run -s "bench:$name"
done
