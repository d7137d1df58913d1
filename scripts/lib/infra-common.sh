# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this
# Shared by scripts/infra-up.sh and scripts/infra-down.sh. Source it; do not run it.
#
# Local state lives under .vigil/ at the repository root (git-ignored):
#   .vigil/kafka/libs/        broker jars copied from Maven Central (deploy/local/kafka/pom.xml)
#   .vigil/kafka/cluster-id   KRaft cluster id, generated once
#   .vigil/kafka/data/        log.dirs (wiped by `infra-down.sh --wipe`)
#   .vigil/kafka/broker.pid   PID of the broker that infra-up.sh started
#   .vigil/logs/kafka.log     broker log (log4j); kafka.stdout.log holds the JVM's own output

VIGIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VIGIL_STATE_DIR="${VIGIL_STATE_DIR:-$VIGIL_ROOT/.vigil}"

KAFKA_DEPLOY_DIR="$VIGIL_ROOT/deploy/local/kafka"
KAFKA_POM="$KAFKA_DEPLOY_DIR/pom.xml"
KAFKA_LOG4J_CONFIG="$KAFKA_DEPLOY_DIR/log4j2.xml"
KAFKA_PROPS_TEMPLATE="$KAFKA_DEPLOY_DIR/server.properties.template"

KAFKA_STATE_DIR="$VIGIL_STATE_DIR/kafka"
KAFKA_LIBS_DIR="$KAFKA_STATE_DIR/libs"
KAFKA_LIBS_MARKER="$KAFKA_LIBS_DIR/.fetched"
KAFKA_DATA_DIR="$KAFKA_STATE_DIR/data"
KAFKA_CLUSTER_ID_FILE="$KAFKA_STATE_DIR/cluster-id"
KAFKA_PROPS="$KAFKA_STATE_DIR/server.properties"
KAFKA_PID_FILE="$KAFKA_STATE_DIR/broker.pid"
KAFKA_LOCK_FILE="$KAFKA_STATE_DIR/.lock"

VIGIL_LOG_DIR="$VIGIL_STATE_DIR/logs"
KAFKA_LOG_FILE="$VIGIL_LOG_DIR/kafka.log"
KAFKA_STDOUT_FILE="$VIGIL_LOG_DIR/kafka.stdout.log"
MVN_LOG_FILE="$VIGIL_LOG_DIR/kafka-jars.log"

DEFAULT_KAFKA_BROKERS="127.0.0.1:9092"
DEFAULT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/vigil"

info() { printf '%s\n' "$*"; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# First entry of KAFKA_BROKERS ("host:port[,host:port…]") split into KAFKA_HOST / KAFKA_PORT.
parse_kafka_brokers() {
  local first="${KAFKA_BROKERS:-$DEFAULT_KAFKA_BROKERS}"
  first="${first%%,*}"
  first="${first#*://}"
  if [[ ! "$first" =~ ^(.+):([0-9]+)$ ]]; then
    die "KAFKA_BROKERS must be host:port (got '${KAFKA_BROKERS:-}')"
  fi
  KAFKA_HOST="${BASH_REMATCH[1]}"
  KAFKA_PORT="${BASH_REMATCH[2]}"
}

is_local_host() {
  case "$1" in
    127.0.0.1 | localhost | ::1 | '[::1]') return 0 ;;
    *) return 1 ;;
  esac
}

# True when something accepts a TCP connection on host:port (bash's /dev/tcp, no netcat).
tcp_open() {
  local host="$1" port="$2"
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null
}

# PID from the pid file when that process is alive and is our broker, else nothing.
# The command-line check keeps a recycled PID from being mistaken for the broker.
broker_pid() {
  [[ -f "$KAFKA_PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$KAFKA_PID_FILE")"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *" kafka.Kafka "* ]] || return 1
  printf '%s\n' "$pid"
}

# SIGTERM (Kafka's shutdown hook flushes and closes the log cleanly), then SIGKILL after
# a grace period. Returns once the process is gone.
stop_pid() {
  local pid="$1" grace="${2:-30}" waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= grace * 10)); then
      info "broker did not stop within ${grace}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  # A killed process may linger a moment as a zombie of its (detached) parent.
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

# Serialise concurrent infra-up/infra-down runs (two shells, parallel CI steps).
take_lock() {
  mkdir -p "$KAFKA_STATE_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$KAFKA_LOCK_FILE"
    flock -w 180 9 || die "another infra-up/infra-down is still running (lock $KAFKA_LOCK_FILE)"
  fi
}
