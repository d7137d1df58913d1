#!/usr/bin/env bash
# Stop the local Kafka broker that scripts/infra-up.sh started (by the PID it recorded).
# PostgreSQL is the machine's own service and is left running.
#
#   scripts/infra-down.sh          stop the broker, keep its data (topics, offsets)
#   scripts/infra-down.sh --wipe   stop the broker and delete .vigil/kafka/data
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/infra-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra-common.sh"

wipe=false
for arg in "$@"; do
  case "$arg" in
    --wipe) wipe=true ;;
    -h | --help)
      sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument '$arg' (usage: infra-down.sh [--wipe])" ;;
  esac
done

take_lock
if pid="$(broker_pid)"; then
  info "stopping Kafka (pid $pid)…"
  stop_pid "$pid" 30
  info "Kafka stopped"
else
  info "Kafka: no broker started by infra-up is running"
  parse_kafka_brokers
  if is_local_host "$KAFKA_HOST" && tcp_open 127.0.0.1 "$KAFKA_PORT"; then
    info "  (something else listens on 127.0.0.1:$KAFKA_PORT; not ours, left alone)"
  fi
fi
rm -f "$KAFKA_PID_FILE"

if $wipe; then
  rm -rf "$KAFKA_DATA_DIR"
  info "wiped $KAFKA_DATA_DIR"
fi
info "PostgreSQL left running (it is the machine's own service; stop it with pg_ctlcluster if you must)"
