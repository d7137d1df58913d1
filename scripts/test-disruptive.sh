#!/usr/bin/env bash
# The disruptive fault tests (test/faults/disruptive): they kill the Kafka broker and restart
# PostgreSQL in the middle of a stream. They get services of their own — a private PostgreSQL
# cluster and a private broker — so that nothing else on the machine is disturbed, and so the
# broker they restart is the one they started (same data directory).
# Where the machine has no pg_createcluster (e.g. a laptop with Docker), they run against the
# services the rest of the suite used, and restart the cluster named by VIGIL_PG_CLUSTER.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_VERSION=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1 || true)
PG_NAME=vigilfault
PG_PORT=${VIGIL_FAULT_PG_PORT:-5439}
KAFKA_FAULT_BROKERS=${VIGIL_FAULT_KAFKA_BROKERS:-127.0.0.1:19092}
export VIGIL_STATE_DIR
VIGIL_STATE_DIR="$(pwd)/.vigil/disruptive"

cleanup() {
  KAFKA_BROKERS=$KAFKA_FAULT_BROKERS bash scripts/infra-down.sh >/dev/null 2>&1 || true
  if [ -n "$PG_VERSION" ] && command -v pg_dropcluster >/dev/null 2>&1; then
    pg_dropcluster --stop "$PG_VERSION" "$PG_NAME" >/dev/null 2>&1 || true
  fi
}

if [ -n "$PG_VERSION" ] && command -v pg_createcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  trap cleanup EXIT
  trap "exit 130" INT TERM
  cleanup
  echo "disruptive: private PostgreSQL $PG_VERSION/$PG_NAME on :$PG_PORT and Kafka on $KAFKA_FAULT_BROKERS"
  pg_createcluster --port "$PG_PORT" "$PG_VERSION" "$PG_NAME" -- --auth-host=trust --auth-local=trust >/dev/null
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_NAME" start
  KAFKA_BROKERS=$KAFKA_FAULT_BROKERS DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/vigil \
    bash scripts/infra-up.sh
  export KAFKA_BROKERS=$KAFKA_FAULT_BROKERS
  export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/vigil
  export VIGIL_PG_CLUSTER="$PG_VERSION $PG_NAME"
else
  echo "disruptive: no pg_createcluster here (or not root): using the suite's own services"
  unset VIGIL_STATE_DIR
fi
npx jest --selectProjects disruptive --runInBand --forceExit
