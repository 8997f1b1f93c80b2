#!/usr/bin/env bash
# The images Testcontainers starts (ADR 0029), built on localhost/debian:bookworm, cached:
#   localhost/alphintra-postgres:15     docker/postgres (Debian's postgresql-15)
#   localhost/alphintra-kafka:3.9.1     docker/kafka    (openjdk-17 + the Maven-resolved jars)
#   tools/containers/test-images.sh [--service]   # --service: also start `podman system service`
# BASE_IMAGE=debian:bookworm-slim with an engine that reaches a registry skips debootstrap.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ALPHINTRA_ROOT"
BASE_IMAGE=${BASE_IMAGE:-localhost/debian:bookworm}
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' tools/kafka/pom.xml)
PG_IMAGE=${ALPHINTRA_TC_POSTGRES_IMAGE:-localhost/alphintra-postgres:15}
KAFKA_IMAGE=${ALPHINTRA_TC_KAFKA_IMAGE:-localhost/alphintra-kafka:$KAFKA_VERSION}

if [[ $ALPHINTRA_CONTAINER_ENGINE == docker && $BASE_IMAGE == localhost/* ]]; then
  # a Docker engine with a registry: devinfra starts the official postgres and apache/kafka images
  echo "postgres:15 apache/kafka:$KAFKA_VERSION"
  exit 0
fi
if [[ $BASE_IMAGE == localhost/* ]]; then bash tools/containers/base-image.sh >/dev/null; fi
base_id=$(engine image inspect --format '{{.Id}}' "$BASE_IMAGE" 2>/dev/null || { engine pull -q "$BASE_IMAGE" >/dev/null && engine image inspect --format '{{.Id}}' "$BASE_IMAGE"; })

# Kafka's jars, resolved from Maven Central into the cache (as devinfra does for local runs)
kafka_libs="$ALPHINTRA_CACHE/kafka-$KAFKA_VERSION/libs"
if ! compgen -G "$kafka_libs/kafka_2.13-*.jar" >/dev/null; then
  command -v mvn >/dev/null || cdie "Maven (mvn) fetches Kafka's jars"
  csay "resolving Kafka $KAFKA_VERSION jars (Maven)"
  mvn -q -B -f tools/kafka/pom.xml dependency:copy-dependencies "-DoutputDirectory=$kafka_libs" "-Dmaven.repo.local=$ALPHINTRA_CACHE/m2"
fi

build_postgres() {
  engine build -q --layers --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "alphintra.key=$1" \
    -f docker/postgres/Containerfile -t "$PG_IMAGE" docker/postgres >/dev/null
}
build_kafka() {
  local ctx
  ctx=$(mktemp -d)
  cp -a docker/kafka/. "$ctx/"
  mkdir -p "$ctx/libs" && cp "$kafka_libs"/*.jar "$ctx/libs/"
  engine build -q --layers --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "KAFKA_VERSION=$KAFKA_VERSION" \
    --label "alphintra.key=$1" -f "$ctx/Containerfile" -t "$KAFKA_IMAGE" "$ctx" >/dev/null || { rm -rf "$ctx"; return 1; }
  rm -rf "$ctx"
}

image_ensure "$PG_IMAGE" "$(key_of "$base_id" docker/postgres/*)" build_postgres
image_ensure "$KAFKA_IMAGE" "$(key_of "$base_id" docker/kafka/* docker/kafka/bin/* "$(ls "$kafka_libs")")" build_kafka
[[ ${1:-} == --service ]] && podman_service
echo "$PG_IMAGE $KAFKA_IMAGE"
