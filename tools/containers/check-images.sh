#!/usr/bin/env bash
# Starts every image `make images` built, as docker/compose.yaml would, and sees each service's
# /health/live answer 200 on a published loopback port (ADR 0029):
#   PostgreSQL and Kafka (the Testcontainers images) on a private podman network, ops `provision`
#   and `topics`, each service's `migrate`, then the eight services and the gateway, all with a
#   read-only root filesystem, no capabilities, no-new-privileges, as uid 1000.
# The services need Kafka to listen (the producer connects before the HTTP server starts), so
# they are started against it rather than alone.
#   tools/containers/check-images.sh        # after tools/containers/app-images.sh; TAG as there
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ALPHINTRA_ROOT"
TAG=${TAG:-dev}
read -r PG_IMAGE KAFKA_IMAGE < <(bash tools/containers/test-images.sh)
SERVICES=(auth:3001 user:3002 strategy:3003 trading:3004 risk:3005 broker:3006 nocode:3007 notification:3008)
for a in "${SERVICES[@]%%:*}" gateway ops; do
  image_exists "alphintra/$a:$TAG" || cdie "alphintra/$a:$TAG is missing: make images first"
done

run_id="alphintra-check-$$"
net=$run_id
cleanup() {
  engine rm -f --filter "label=alphintra.check=$run_id" >/dev/null 2>&1 || true
  engine network rm -f "$net" >/dev/null 2>&1 || true
}
trap cleanup EXIT
engine network create "$net" >/dev/null

secret() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }
key32() { head -c 32 /dev/urandom | base64; }
pg_password=$(secret)
hardened=(--label "alphintra.check=$run_id" --network "$net" --health-interval disable --read-only --cap-drop ALL --security-opt no-new-privileges)
db_env() { # db_env SVC [owner]: the service's database variables (separate topology)
  local S=${1^^} p
  p=${1^^}_PASSWORD
  echo "-e ${S}_DATABASE_HOST=postgres -e ${S}_DATABASE_PORT=5432 -e ${S}_DATABASE_NAME=alphintra_$1"
  echo "-e ${S}_DATABASE_USER=${1}_service_user -e ${S}_DATABASE_PASSWORD=${!p}"
  if [[ ${2:-} == owner ]]; then
    p=${1^^}_OWNER_PASSWORD
    echo "-e ${S}_DATABASE_OWNER_USER=${1}_owner -e ${S}_DATABASE_OWNER_PASSWORD=${!p}"
  fi
}
for s in "${SERVICES[@]%%:*}"; do
  declare "${s^^}_PASSWORD=$(secret)" "${s^^}_OWNER_PASSWORD=$(secret)"
done
common_env=(-e LOG_LEVEL=warn -e HOST=0.0.0.0 -e KAFKA_BROKERS=kafka:9092 -e DB_TOPOLOGY=separate
  -e AUTH_JWKS_URL=http://auth:3001/api/v1/auth/.well-known/jwks.json -e AUTH_REVOCATIONS_URL=http://auth:3001/internal/v1/revoked-sessions
  -e AUTH_ISSUER=alphintra-auth -e AUTH_AUDIENCE=alphintra)
extra_env() {
  case "$1" in
    auth) echo "-e AUTH_KEY_ENCRYPTION_KEY=$AUTH_KEK -e AUTH_BOOTSTRAP_ADMIN_EMAIL=admin@alphintra.local -e AUTH_BOOTSTRAP_ADMIN_PASSWORD=$(secret)" ;;
    user) echo "-e STRATEGY_URL=http://strategy:3003" ;;
    strategy) echo "-e NOCODE_URL=http://nocode:3007" ;;
    nocode) echo "-e STRATEGY_URL=http://strategy:3003" ;;
    trading) echo "-e TRADING_ORDER_RECORD_SIGNING_KEY=$TRADING_KEY" ;;
    broker) echo "-e BROKER_KEK=$BROKER_KEK -e BROKER_KEK_ID=kek-1" ;;
    notification) echo "-e SMTP_URL=smtp://127.0.0.1:25" ;;
  esac
}
AUTH_KEK=$(key32)
BROKER_KEK=$(key32)
TRADING_KEY=$(key32)

started=$SECONDS
csay "PostgreSQL and Kafka on network $net"
engine run -d "${hardened[@]/--read-only/--read-only=false}" --name "$run_id-postgres" --network-alias postgres \
  -e POSTGRES_PASSWORD="$pg_password" "$PG_IMAGE" postgres -c fsync=off -c max_connections=300 >/dev/null
engine run -d "${hardened[@]/--read-only/--read-only=false}" --name "$run_id-kafka" --network-alias kafka \
  -e CLUSTER_ID="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" -e KAFKA_NODE_ID=1 \
  -e KAFKA_PROCESS_ROLES=broker,controller -e KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093 \
  -e KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://kafka:9092 -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT \
  -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER -e KAFKA_INTER_BROKER_LISTENER_NAME=PLAINTEXT \
  -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@localhost:9093 -e KAFKA_NUM_PARTITIONS=3 -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 \
  -e KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1 -e KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1 \
  -e KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0 -e KAFKA_AUTO_CREATE_TOPICS_ENABLE=false "$KAFKA_IMAGE" >/dev/null
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local until=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < until)) || cdie "$what did not come up within the limit"
    sleep 0.5
  done
}
wait_for 60 PostgreSQL engine exec "$run_id-postgres" pg_isready -q -h 127.0.0.1 -U postgres
wait_for 120 Kafka sh -c "$ALPHINTRA_CONTAINER_ENGINE logs $run_id-kafka 2>&1 | grep -q 'Kafka Server started'"

job() { # job NAME IMAGE ARGS...: a one-off container that must exit 0
  local name=$1
  shift
  if ! engine run --rm "${hardened[@]}" --name "$run_id-$name" "$@" >"$ALPHINTRA_CACHE/containers/check-$name.log" 2>&1; then
    tail -20 "$ALPHINTRA_CACHE/containers/check-$name.log" >&2
    cdie "$name failed"
  fi
}
provision_env=(-e DB_TOPOLOGY=separate -e PGHOST=postgres -e PGPORT=5432 -e PGUSER=postgres -e "PGPASSWORD=$pg_password" -e PGDATABASE=postgres)
for s in "${SERVICES[@]%%:*}"; do
  S=${s^^} p=${s^^}_PASSWORD o=${s^^}_OWNER_PASSWORD
  provision_env+=(-e "${S}_DATABASE_NAME=alphintra_$s" -e "${S}_DATABASE_USER=${s}_service_user" -e "${S}_DATABASE_PASSWORD=${!p}"
                  -e "${S}_DATABASE_OWNER_USER=${s}_owner" -e "${S}_DATABASE_OWNER_PASSWORD=${!o}")
done
csay "ops provision, ops topics"
job provision "${provision_env[@]}" "alphintra/ops:$TAG" provision
job topics -e KAFKA_BROKERS=kafka:9092 -e LOG_LEVEL=warn "alphintra/ops:$TAG" topics

csay "migrations"
for entry in "${SERVICES[@]}"; do
  s=${entry%%:*}
  # shellcheck disable=SC2046
  job "$s-migrate" "${common_env[@]}" -e "PORT=${entry#*:}" $(db_env "$s" owner) $(extra_env "$s") "alphintra/$s:$TAG" migrate
done

csay "services and the gateway"
upstreams=()
for entry in "${SERVICES[@]}"; do
  s=${entry%%:*}
  # shellcheck disable=SC2046
  engine run -d "${hardened[@]}" --name "$run_id-$s" --network-alias "$s" -p "127.0.0.1::${entry#*:}" \
    "${common_env[@]}" -e "PORT=${entry#*:}" $(db_env "$s") $(extra_env "$s") "alphintra/$s:$TAG" >/dev/null
  upstreams+=(-e "GATEWAY_UPSTREAM_${s^^}=http://$s:${entry#*:}")
done
engine run -d "${hardened[@]}" --name "$run_id-gateway" --network-alias gateway -p 127.0.0.1::8080 \
  "${common_env[@]}" -e PORT=8080 "${upstreams[@]}" "alphintra/gateway:$TAG" >/dev/null

passed=0 failed=0
for entry in "${SERVICES[@]}" gateway:8080; do
  s=${entry%%:*}
  hostport=$(engine port "$run_id-$s" "${entry#*:}/tcp" | head -1)
  hostport=${hostport/0.0.0.0/127.0.0.1}
  until=$((SECONDS + 120)) code=000
  while ((SECONDS < until)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$hostport/health/live" || true)
    [[ $code == 200 ]] && break
    [[ $(engine inspect --format '{{.State.Running}}' "$run_id-$s") == true ]] || break
    sleep 0.5
  done
  user=$(engine inspect --format '{{.Config.User}} ro={{.HostConfig.ReadonlyRootfs}}' "$run_id-$s")
  # the image's own HEALTHCHECK, run once by hand (no systemd here for podman's timers)
  health=unhealthy
  [[ $code == 200 ]] && engine healthcheck run "$run_id-$s" >/dev/null 2>&1 && health=healthy
  if [[ $code == 200 && $health == healthy ]]; then
    passed=$((passed + 1)); echo "PASS  alphintra/$s:$TAG /health/live 200 on $hostport, HEALTHCHECK healthy (user $user)"
  else
    failed=$((failed + 1)); echo "FAIL  alphintra/$s:$TAG /health/live answered $code, HEALTHCHECK $health:"; engine logs --tail 15 "$run_id-$s" 2>&1 | cut -c1-400
  fi
done
echo "images: stack up and checked in $((SECONDS - started))s"
echo "$passed passed, $failed failed"
((failed == 0))
