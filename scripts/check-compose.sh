#!/usr/bin/env bash
# Validate docker-compose.yml without a Docker engine: docker-compose v1 (Debian's
# `docker-compose` package) parses, interpolates and schema-checks the file offline.
# Installs that package when it is missing and apt-get is available (CI runs as root).
# Exits non-zero on an invalid file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

COMPOSE_FILE="${1:-docker-compose.yml}"

if ! command -v docker-compose >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    echo "installing docker-compose (Debian package) to validate $COMPOSE_FILE…"
    export DEBIAN_FRONTEND=noninteractive
    if ! { $sudo apt-get install -y -qq docker-compose >/dev/null 2>&1 ||
      { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq docker-compose >/dev/null; }; }; then
      echo "error: could not install docker-compose with apt-get" >&2
      exit 1
    fi
  else
    echo "error: docker-compose not found and apt-get unavailable: install docker-compose (v1) or Docker Compose" >&2
    exit 1
  fi
fi

# A developer's .env may set these; validate the file with its own defaults instead.
unset KAFKA_HOST_PORT API_HOST_PORT POSTGRES_HOST_PORT POSTGRES_PASSWORD KAFKA_CLUSTER_ID \
  LOG_LEVEL VIGIL_BOOTSTRAP_ADMIN_KEY VIGIL_TOPIC_RESULTS VIGIL_TOPIC_DLQ VIGIL_TOPIC_STATUS \
  VIGIL_CONSUMER_GROUP

# --profile needs docker-compose >= 1.28; every service, the demo profile's included.
if ! docker-compose -f "$COMPOSE_FILE" --profile demo config -q; then
  echo "error: $COMPOSE_FILE is not a valid compose file" >&2
  exit 1
fi
services="$(docker-compose -f "$COMPOSE_FILE" --profile demo config --services | sort | tr '\n' ' ')"
for required in kafka postgres migrate ingest api evaluator demo; do
  [[ " $services" == *" $required "* ]] || {
    echo "error: $COMPOSE_FILE has no '$required' service (has: $services)" >&2
    exit 1
  }
done
echo "$COMPOSE_FILE is valid ($(docker-compose version --short 2>/dev/null || echo '?')): $services"
