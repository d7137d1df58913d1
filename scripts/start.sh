#!/usr/bin/env bash
# `npm start`: the whole system on this machine, with demo data flowing.
# Installs dependencies if missing, brings up Kafka and PostgreSQL (scripts/infra-up.sh),
# builds, migrates, starts ingest, api and evaluator in the background, applies the example
# catalogue and starts the demo producer (VIGIL_DEMO=0 leaves both out, for a clean system).
# `npm run stop` stops it all again.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN=$ROOT/.vigil/run
LOGS=$ROOT/.vigil/logs
mkdir -p "$RUN" "$LOGS"

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/vigil}
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092}
API_PORT=${API_PORT:-3000}
INGEST_PORT=${INGEST_PORT:-3001}
EVALUATOR_PORT=${EVALUATOR_PORT:-3002}

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "• installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi

bash scripts/infra-up.sh

echo "• building…"
npm run -s build

echo "• migrating ${DATABASE_URL}…"
node dist/libs/persistence/src/migrate.js up

# A demo admin key, made once and kept with the local state (never in git).
if [ -z "${VIGIL_BOOTSTRAP_ADMIN_KEY:-}" ]; then
  [ -s .vigil/demo-admin-key ] || node -e "process.stdout.write('vgl_demo_' + require('crypto').randomBytes(24).toString('base64url'))" > .vigil/demo-admin-key
  VIGIL_BOOTSTRAP_ADMIN_KEY=$(cat .vigil/demo-admin-key)
fi
export VIGIL_BOOTSTRAP_ADMIN_KEY

bash scripts/stop.sh --apps-only >/dev/null 2>&1 || true

# Heap caps keep api and ingest near 200 MB resident (V8 otherwise grows lazily; docs/benchmarks.md).
start_app() { # name entry port [node flags…]
  local name=$1 entry=$2 port=$3
  shift 3
  PORT=$port nohup node "$@" "$entry" >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}
start_app ingest dist/apps/ingest/src/main.js "$INGEST_PORT" --max-old-space-size=160
start_app api dist/apps/api/src/main.js "$API_PORT" --max-old-space-size=160
start_app evaluator dist/apps/evaluator/src/main.js "$EVALUATOR_PORT"

wait_ready() { # name port
  local name=$1 port=$2
  for _ in $(seq 1 120); do
    if node -e "fetch('http://127.0.0.1:$port/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
      echo "• $name ready on :$port"; return 0
    fi
    if ! kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then
      echo "✗ $name exited; last log lines:"; tail -n 30 "$LOGS/$name.log"; return 1
    fi
    sleep 0.5
  done
  echo "✗ $name not ready after 60 s; last log lines:"; tail -n 30 "$LOGS/$name.log"; return 1
}
wait_ready ingest "$INGEST_PORT"
wait_ready api "$API_PORT"
wait_ready evaluator "$EVALUATOR_PORT"

if [ "${VIGIL_DEMO:-1}" = "0" ]; then
  echo
  echo "Vigil is running (VIGIL_DEMO=0: no demo catalogue, no demo producer)."
  echo "  API http://127.0.0.1:$API_PORT/api/docs · admin key in \$VIGIL_BOOTSTRAP_ADMIN_KEY or .vigil/demo-admin-key · npm run stop"
  exit 0
fi

echo "• applying examples/catalog.yaml…"
if ! VIGIL_URL=http://127.0.0.1:$API_PORT VIGIL_API_KEY=$VIGIL_BOOTSTRAP_ADMIN_KEY \
  node bin/vigil catalog apply examples/catalog.yaml >"$LOGS/catalog-apply.log" 2>&1; then
  cat "$LOGS/catalog-apply.log"; exit 1
fi
echo "  $(grep -c '^  [+~-]' "$LOGS/catalog-apply.log" || true) changes applied (details in .vigil/logs/catalog-apply.log)"

nohup node dist/scripts/demo-producer.js >>"$LOGS/demo.log" 2>&1 &
echo $! >"$RUN/demo.pid"

cat <<MSG

Vigil is running, with demo results flowing.
  API            http://127.0.0.1:$API_PORT/api/v1/effectiveness   (Authorization: Bearer \$(cat .vigil/demo-admin-key))
  API docs       http://127.0.0.1:$API_PORT/api/docs
  Health         http://127.0.0.1:$API_PORT/health/ready  · ingest :$INGEST_PORT · evaluator :$EVALUATOR_PORT
  Metrics        http://127.0.0.1:$API_PORT/metrics  ·  http://127.0.0.1:$INGEST_PORT/metrics
  Kafka          $KAFKA_BROKERS  (topics control-results, control-results.dlq, control-status-changes)
  PostgreSQL     $DATABASE_URL
  Logs           .vigil/logs/{api,ingest,evaluator,demo,kafka}.log
Try:
  curl -s -H "Authorization: Bearer \$(cat .vigil/demo-admin-key)" http://127.0.0.1:$API_PORT/api/v1/services/payments-api/effectiveness?window=P30D
  psql "$DATABASE_URL" -c "select service_id, control_id, outcome, time from results order by seq desc limit 5"
Stop everything with: npm run stop
MSG
