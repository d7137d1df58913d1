#!/usr/bin/env bash
# `npm run stop`: stops the demo producer and the three apps (SIGTERM, then SIGKILL after 15 s),
# then the local Kafka broker. PostgreSQL is the machine's own service and keeps running.
# `--apps-only` leaves Kafka running.
set -uo pipefail
cd "$(dirname "$0")/.."
RUN=.vigil/run
stop_pid() { # name
  local file=$RUN/$1.pid pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    echo "stopped $1"
  fi
  rm -f "$file"
}
for name in demo api evaluator ingest; do stop_pid "$name"; done
[ "${1:-}" = "--apps-only" ] || bash scripts/infra-down.sh
