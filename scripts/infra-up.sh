#!/usr/bin/env bash
# Bring up local infrastructure for Vigil (SPEC §8): a single-node Apache Kafka broker
# (KRaft, jars from Maven Central, run with the JDK) and the database on the local
# PostgreSQL. Idempotent: a second run finds both up and returns in well under a second.
#
# Environment:
#   KAFKA_BROKERS   host:port of the broker (default 127.0.0.1:9092); if it already
#                   answers, nothing is started. The local broker listens on this port and
#                   uses port+1 for its KRaft controller.
#   DATABASE_URL    postgres://user[:password]@host:port/db (default
#                   postgres://postgres@127.0.0.1:5432/vigil); the db is created if missing.
#   VIGIL_STATE_DIR where jars, data, pid and logs live (default <repo>/.vigil)
#   KAFKA_READY_TIMEOUT  seconds to wait for the broker port (default 60)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/infra-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra-common.sh"

KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-60}"
PG_READY_TIMEOUT="${PG_READY_TIMEOUT:-30}"

# ---------------------------------------------------------------- Kafka

require_java() {
  command -v java >/dev/null 2>&1 ||
    die "Java 17+ not found: apt-get install openjdk-17-jre-headless"
  local version major
  version="$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${version%%.*}"
  [[ "$major" == 1 ]] && major="$(cut -d. -f2 <<<"$version")" # 1.8.0_x style
  if [[ ! "$major" =~ ^[0-9]+$ ]] || ((major < 17)); then
    die "Java 17+ required for Kafka 4 (found '${version:-unknown}'): apt-get install openjdk-17-jre-headless"
  fi
}

require_maven() {
  command -v mvn >/dev/null 2>&1 ||
    die "Maven not found (it fetches the Kafka jars): apt-get install maven"
}

# Copy the broker jars once; again only when the pom changes. Fetch into a fresh folder and
# swap it in, so a version bump never leaves two Kafka versions on the classpath.
fetch_kafka_jars() {
  if [[ -f "$KAFKA_LIBS_MARKER" && "$KAFKA_LIBS_MARKER" -nt "$KAFKA_POM" ]]; then
    return 0
  fi
  require_maven
  info "fetching Kafka jars (first run only)…"
  local staging="$KAFKA_LIBS_DIR.tmp"
  rm -rf "$staging"
  if ! mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies \
    -Dkafka.libs.dir="$staging" >"$MVN_LOG_FILE" 2>&1; then
    tail -n 40 "$MVN_LOG_FILE" >&2 || true
    die "could not fetch the Kafka jars with Maven (full output: $MVN_LOG_FILE)"
  fi
  ls "$staging"/kafka_2.13-*.jar >/dev/null 2>&1 ||
    die "Maven ran but no kafka_2.13 jar arrived in $staging (see $MVN_LOG_FILE)"
  rm -rf "$KAFKA_LIBS_DIR"
  mv "$staging" "$KAFKA_LIBS_DIR"
  touch "$KAFKA_LIBS_MARKER"
}

KAFKA_JAVA=(java -Xms256m -Xmx512m
  -Dlog4j2.configurationFile="$KAFKA_LOG4J_CONFIG"
  -Dvigil.kafka.log.file="$KAFKA_LOG_FILE"
  -cp "$KAFKA_LIBS_DIR/*")

render_server_properties() {
  local controller_port=$((KAFKA_PORT + 1))
  sed -e "s|@BROKER_PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$controller_port|g" \
    -e "s|@LOG_DIRS@|$KAFKA_DATA_DIR|g" \
    "$KAFKA_PROPS_TEMPLATE" >"$KAFKA_PROPS.tmp"
  mv "$KAFKA_PROPS.tmp" "$KAFKA_PROPS"
}

# Format the KRaft storage once; meta.properties in log.dirs records that it is done.
format_storage() {
  if [[ ! -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid 2>>"$KAFKA_STDOUT_FILE" |
      tr -d '[:space:]' >"$KAFKA_CLUSTER_ID_FILE.tmp"
    [[ -s "$KAFKA_CLUSTER_ID_FILE.tmp" ]] || die "could not generate a Kafka cluster id (see $KAFKA_STDOUT_FILE)"
    mv "$KAFKA_CLUSTER_ID_FILE.tmp" "$KAFKA_CLUSTER_ID_FILE"
  fi
  [[ -f "$KAFKA_DATA_DIR/meta.properties" ]] && return 0
  mkdir -p "$KAFKA_DATA_DIR"
  if ! "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$(cat "$KAFKA_CLUSTER_ID_FILE")" \
    -c "$KAFKA_PROPS" --ignore-formatted >>"$KAFKA_STDOUT_FILE" 2>&1; then
    tail -n 40 "$KAFKA_STDOUT_FILE" >&2 || true
    die "formatting Kafka storage in $KAFKA_DATA_DIR failed"
  fi
}

# Start the broker detached from this shell (own session, stdin closed, HUP ignored) so it
# outlives the terminal or npm process that ran us. Without job control, setsid execs in
# place, so $! is the JVM's own PID.
# fd 9 (the infra lock) is closed for it: a long-lived broker must not hold the lock.
launch_broker() {
  : >"$KAFKA_STDOUT_FILE"
  (cd "$VIGIL_ROOT" && exec setsid nohup "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_PROPS" \
    </dev/null >>"$KAFKA_STDOUT_FILE" 2>&1 9>&-) &
  LAUNCHED_PID="$!"
  echo "$LAUNCHED_PID" >"$KAFKA_PID_FILE"
}

# 9092 opens only once the broker is unfenced and serving, so a TCP connect means ready.
wait_for_broker() {
  local pid="$1" deadline=$((SECONDS + KAFKA_READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    if tcp_open 127.0.0.1 "$KAFKA_PORT"; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1 # the JVM died: no point waiting out the timeout
    sleep 0.25
  done
  return 1
}

# The JVM's own output (kafka.stdout.log) only matters when log4j never started.
show_broker_logs() {
  {
    if [[ -s "$KAFKA_LOG_FILE" ]]; then
      echo "---- last 40 lines of $KAFKA_LOG_FILE"
      tail -n 40 "$KAFKA_LOG_FILE"
      echo "---- errors in $KAFKA_LOG_FILE"
      grep -E '^\[[^]]*\] (ERROR|FATAL) |^Caused by: ' "$KAFKA_LOG_FILE" | tail -n 5 || true
    else
      echo "---- last 40 lines of $KAFKA_STDOUT_FILE"
      tail -n 40 "$KAFKA_STDOUT_FILE" 2>/dev/null || echo "(empty)"
    fi
  } >&2
}

kafka_up() {
  if tcp_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    info "Kafka already running at $KAFKA_HOST:$KAFKA_PORT"
    return 0
  fi
  is_local_host "$KAFKA_HOST" ||
    die "Kafka is not reachable at $KAFKA_HOST:$KAFKA_PORT and only a local broker (127.0.0.1) can be started here"

  take_lock
  if tcp_open 127.0.0.1 "$KAFKA_PORT"; then # came up while we waited for the lock
    info "Kafka already running at 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  local pid
  # A broker we started earlier may still be booting: wait for it rather than start a second.
  if pid="$(broker_pid)"; then
    local running_port
    running_port="$(sed -n 's/^listeners=PLAINTEXT:\/\/[^:]*:\([0-9]*\),.*/\1/p' "$KAFKA_PROPS" 2>/dev/null || true)"
    if [[ -n "$running_port" && "$running_port" != "$KAFKA_PORT" ]]; then
      die "the broker infra-up started (pid $pid) listens on $running_port, not $KAFKA_PORT: run scripts/infra-down.sh first, or set VIGIL_STATE_DIR for a second broker"
    fi
    info "Kafka is starting (pid $pid)…"
    if wait_for_broker "$pid"; then
      info "Kafka already running at 127.0.0.1:$KAFKA_PORT"
      return 0
    fi
    stop_pid "$pid" 10
  fi
  rm -f "$KAFKA_PID_FILE"

  require_java
  mkdir -p "$KAFKA_STATE_DIR" "$VIGIL_LOG_DIR"
  fetch_kafka_jars
  render_server_properties
  format_storage

  local attempt start=$SECONDS
  for attempt in 1 2; do
    info "starting Kafka on 127.0.0.1:$KAFKA_PORT…"
    launch_broker
    if wait_for_broker "$LAUNCHED_PID"; then
      info "Kafka ready after $((SECONDS - start))s (pid $LAUNCHED_PID, log $KAFKA_LOG_FILE)"
      return 0
    fi
    stop_pid "$LAUNCHED_PID" 10
    rm -f "$KAFKA_PID_FILE"
    if ((attempt == 1)); then
      info "Kafka did not become ready; retrying once…"
    fi
  done
  show_broker_logs
  die "Kafka did not start on 127.0.0.1:$KAFKA_PORT (twice; it exited or was not ready within ${KAFKA_READY_TIMEOUT}s; logs above)"
}

# ---------------------------------------------------------------- PostgreSQL

# Splits DATABASE_URL into PG_DB_NAME and PG_ADMIN_URL (same server and user, database
# `postgres`), for psql/pg_isready, which take connection URIs as they are.
parse_database_url() {
  local url="${DATABASE_URL:-$DEFAULT_DATABASE_URL}"
  if [[ ! "$url" =~ ^(postgres(ql)?://[^/?]*)/([^?]*)(\?.*)?$ ]]; then
    die "DATABASE_URL must look like postgres://user@host:port/db (got '$url')"
  fi
  local server="${BASH_REMATCH[1]}" encoded_db="${BASH_REMATCH[3]}" query="${BASH_REMATCH[4]:-}"
  [[ -n "$encoded_db" ]] || die "DATABASE_URL names no database (got '$url')"
  PG_DB_NAME="$(printf '%b' "${encoded_db//%/\\x}")"
  PG_ADMIN_URL="$server/postgres$query"
  PG_DISPLAY_URL="$(sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$url")"
  local authority="${server#*://}"
  authority="${authority##*@}"
  PG_HOST="${authority%:*}"
  PG_PORT="${authority##*:}"
  [[ "$authority" == *:* ]] || PG_PORT=5432
  [[ -n "$PG_HOST" ]] || PG_HOST=127.0.0.1
}

pg_ready() { pg_isready -q -d "$PG_ADMIN_URL" -t 2 >/dev/null 2>&1; }

# Start the machine's own cluster on the requested port (Debian's postgresql-common).
start_local_cluster() {
  command -v pg_ctlcluster >/dev/null 2>&1 || return 0
  is_local_host "$PG_HOST" || return 0
  local version cluster port
  while read -r version cluster port _; do
    [[ "$port" == "$PG_PORT" ]] || continue
    info "starting PostgreSQL cluster $version/$cluster…"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >/dev/null 2>&1 ||
      info "pg_ctlcluster $version $cluster start failed; waiting anyway"
    return 0
  done < <(pg_lsclusters --no-header 2>/dev/null || true)
}

postgres_up() {
  if ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    die "psql/pg_isready not found: apt-get install postgresql-client"
  fi
  if ! pg_ready; then
    start_local_cluster
    local deadline=$((SECONDS + PG_READY_TIMEOUT))
    until pg_ready; do
      ((SECONDS < deadline)) ||
        die "PostgreSQL not reachable at $PG_HOST:$PG_PORT after ${PG_READY_TIMEOUT}s (is it installed and running?)"
      sleep 0.5
    done
  fi
  ensure_database
}

db_exists() {
  local out
  out="$(psql -X -q -At -v ON_ERROR_STOP=1 -v db="$PG_DB_NAME" -d "$PG_ADMIN_URL" \
    <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")" ||
    die "could not query PostgreSQL at $PG_HOST:$PG_PORT as the URL's user"
  [[ "$out" == 1 ]]
}

ensure_database() {
  db_exists && return 0
  local err
  if err="$(psql -X -q -v ON_ERROR_STOP=1 -v db="$PG_DB_NAME" -d "$PG_ADMIN_URL" \
    <<<'CREATE DATABASE :"db";' 2>&1)"; then
    info "created database $PG_DB_NAME"
  elif ! db_exists; then # a concurrent run may have created it first
    die "could not create database '$PG_DB_NAME': $err"
  fi
}

# ---------------------------------------------------------------- main

parse_kafka_brokers
parse_database_url # fail on a bad URL before starting anything
kafka_up
postgres_up
info "Kafka: $KAFKA_HOST:$KAFKA_PORT"
info "PostgreSQL: $PG_DISPLAY_URL"
