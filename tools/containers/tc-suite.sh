#!/usr/bin/env bash
# One project's whole Jest suite against PostgreSQL and Kafka containers that Testcontainers
# starts through `podman system service` (ADR 0029); `make test` runs apps/broker this way.
#   tools/containers/tc-suite.sh PROJECT [RESULTS_JSON] [jest args...]
# The environment podman needs (a Docker engine needs none of it) is set here:
#   DOCKER_HOST=unix:///run/alphintra/podman.sock  TESTCONTAINERS_RYUK_DISABLED=true
#   TESTCONTAINERS_HOST_OVERRIDE=localhost      (CONTAINERS_CONF for the service: env.sh)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ALPHINTRA_ROOT"
project=${1:?usage: tc-suite.sh PROJECT [RESULTS_JSON] [jest args...]}
results=${2:-.local/test-results/$project-testcontainers.json}
shift $(($# >= 2 ? 2 : 1))
config=
for c in apps/"$project"/jest.config.js libs/"$project"/jest.config.js; do [[ -f $c ]] && config=$c && break; done
[[ -n $config ]] || cdie "no jest.config.js for project $project"

bash tools/containers/test-images.sh --service >/dev/null
bash tools/containers/tc-cleanup.sh
if [[ $ALPHINTRA_CONTAINER_ENGINE == podman ]]; then
  export DOCKER_HOST=${DOCKER_HOST:-unix://$PODMAN_SOCKET} TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true}
  export TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-localhost}
fi
mkdir -p "$(dirname "$results")"
status=0
ALPHINTRA_TEST_INFRA=testcontainers node --experimental-vm-modules --no-warnings node_modules/jest/bin/jest.js \
  -c "$config" --json --outputFile="$results" "$@" || status=$?
bash tools/containers/tc-cleanup.sh
exit $status
