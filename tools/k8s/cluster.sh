#!/usr/bin/env bash
# A real Kubernetes control plane with simulated nodes, for `make test` (ADR 0034):
# kube-apiserver, kube-controller-manager and kube-scheduler v1.32.4 (built once from the Go
# module proxy into the cache), etcd 3.4 from Debian, and kwok v0.7.0 driving one fake node.
# Pods are scheduled and get a status, but no container ever runs: kwok marks every pod Running
# and Ready, and pods owned by a Job Succeeded.
#
#   tools/k8s/cluster.sh build          # binaries into $CACHE/kube-v1.32.4/bin (idempotent; ~10-15 min cold)
#   tools/k8s/cluster.sh up DIR         # start everything; DIR/kubeconfig, DIR/pids, logs in DIR
#   tools/k8s/cluster.sh down DIR       # stop what `up DIR` started (by pid) and remove DIR
#   tools/k8s/cluster.sh test [RESULTS_JSON] [jest args...]
#                                       # build + up + tools/k8s/cluster.spec.ts + down
# Installs etcd-server with apt-get when no etcd is on the PATH (root on Debian), and helm into
# the cache when it is missing (tools/k8s/lib.sh). Ports are free ones picked at start, on
# 127.0.0.1 only; etcd keeps its data in DIR (a tmpfs when DIR is under /dev/shm).
set -euo pipefail
# shellcheck source=tools/k8s/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

K8S_VERSION=${K8S_VERSION:-v1.32.4}
STAGING_VERSION=${STAGING_VERSION:-v0.32.4}
KWOK_VERSION=${KWOK_VERSION:-v0.7.0}
KUBE_DIR="$CACHE/kube-$K8S_VERSION"
BIN="$KUBE_DIR/bin"
KWOK_BIN="$CACHE/kwok-$KWOK_VERSION/kwok"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

# --- build -------------------------------------------------------------------------------
# k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces the staging repos with
# ./staging/...), so a wrapper module requires it and replaces each staging repo with its
# published v0.x release; the list comes from that version's own go.mod.
build_kube() {
  local want=(kube-apiserver kube-controller-manager kube-scheduler) b missing=0
  for b in "${want[@]}"; do [[ -x $BIN/$b ]] || missing=1; done
  ((missing)) || return 0
  command -v go >/dev/null || die "go is required to build the control plane"
  say "building kube-apiserver, kube-controller-manager, kube-scheduler $K8S_VERSION into $BIN (cold: ~10-15 min on 2 cores)"
  local t0=$SECONDS src="$KUBE_DIR/src" gomod staging
  (
    go_env
    mkdir -p "$src" "$BIN"
    cd "$src"
    gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
    [[ -f $gomod ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
    staging=$(grep -oE '^[[:space:]]*k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$gomod" | awk '{print $1}' | sort -u)
    [[ -n $staging ]] || die "no staging replace directives in $gomod"
    {
      echo "module alphintra.local/kube"
      echo
      echo "go 1.23"
      echo
      echo "require k8s.io/kubernetes $K8S_VERSION"
      echo
      echo "replace ("
      for m in $staging; do echo "	$m => $m $STAGING_VERSION"; done
      echo ")"
    } >go.mod
    printf 'package kube\n' >doc.go
    go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION" \
      "k8s.io/kubernetes/cmd/kube-scheduler@$K8S_VERSION" >&2
    local ld="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
    ld+=" -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
    for b in "${want[@]}"; do
      [[ -x $BIN/$b ]] && continue
      go build -trimpath -ldflags "$ld" -o "$BIN/$b.tmp" "k8s.io/kubernetes/cmd/$b" && mv "$BIN/$b.tmp" "$BIN/$b"
      say "$b built ($((SECONDS - t0))s so far)"
    done
  ) || die "building the control plane failed"
}

build_kwok() {
  [[ -x $KWOK_BIN ]] && return 0
  command -v go >/dev/null || die "go is required to build kwok"
  say "building kwok $KWOK_VERSION into $(dirname "$KWOK_BIN")"
  ( go_env; GOBIN="$(dirname "$KWOK_BIN")" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" ) >&2 ||
    die "building kwok failed"
}

# etcd: one on the PATH, or Debian's etcd-server (3.4) installed as root. Debian's package does
# not start a server under policy-rc.d or without an init system; this script starts its own.
ensure_etcd() {
  command -v etcd >/dev/null && return 0
  [[ -x /usr/bin/etcd ]] && return 0
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || die "etcd is missing: install it (Debian: apt-get install etcd-server)"
  say "installing etcd-server (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server; } >&2 ||
    die "apt-get install etcd-server failed"
}

cmd_build() {
  ensure_etcd
  build_kube
  build_kwok
  ensure_helm >/dev/null || die "could not install helm"
}

# --- up / down ---------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start NAME COMMAND...: in the background, its own session, output to DIR/NAME.log, pid recorded
start() {
  local name=$1; shift
  setsid "$@" >"$DIR/$name.log" 2>&1 </dev/null &
  echo "$name $!" >>"$DIR/pids"
}

# wait_for WHAT SECONDS COMMAND...: polls every 0.2 s
wait_for() {
  local what=$1 limit=$2 i; shift 2
  for ((i = 0; i < limit * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "timed out after ${limit}s waiting for $what" >&2
  return 1
}

alive() { local n p; while read -r n p; do kill -0 "$p" 2>/dev/null || { echo "$n (pid $p) exited; its log:" >&2; tail -20 "$DIR/$n.log" >&2; return 1; }; done <"$DIR/pids"; }

cmd_up() {
  DIR=${1:?usage: cluster.sh up DIR}
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  : >"$DIR/pids"
  local etcd_bin kc="$DIR/kubeconfig" token etcd_port peer_port api_port kcm_port sched_port t0=$EPOCHREALTIME
  etcd_bin=$(command -v etcd || echo /usr/bin/etcd)
  token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  etcd_port=$(free_port) peer_port=$(free_port) api_port=$(free_port) kcm_port=$(free_port) sched_port=$(free_port)
  mkdir -p "$DIR/pki"
  openssl genrsa -out "$DIR/pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$DIR/pki/sa.key" -pubout -out "$DIR/pki/sa.pub" 2>/dev/null
  echo "$token,admin,admin,system:masters" >"$DIR/pki/tokens.csv"
  cat >"$kc" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: alphintra-test
    cluster:
      server: https://127.0.0.1:$api_port
      insecure-skip-tls-verify: true
users:
  - name: admin
    user:
      token: $token
contexts:
  - name: alphintra-test
    context: {cluster: alphintra-test, user: admin}
current-context: alphintra-test
EOF
  chmod 600 "$kc"

  start etcd "$etcd_bin" --name alphintra-test --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "alphintra-test=http://127.0.0.1:$peer_port" --logger zap --log-level warn --quota-backend-bytes 2147483648
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$etcd_port/health" || { alive; return 1; }

  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" --cert-dir "$DIR/pki" \
    --token-auth-file "$DIR/pki/tokens.csv" --authorization-mode RBAC --allow-privileged=true \
    --service-account-key-file "$DIR/pki/sa.pub" --service-account-signing-key-file "$DIR/pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local --service-cluster-ip-range 10.96.0.0/16 \
    --enable-priority-and-fairness=false --profiling=false --event-ttl 10m --v 0 \
    --feature-gates WatchList=false
  wait_for kube-apiserver 60 curl -fsSk -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port/readyz" || { alive; return 1; }

  start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$kc" --authentication-kubeconfig "$kc" \
    --authorization-kubeconfig "$kc" --leader-elect=false --bind-address 127.0.0.1 --secure-port "$kcm_port" \
    --service-account-private-key-file "$DIR/pki/sa.key" --root-ca-file "$DIR/pki/apiserver.crt" \
    --use-service-account-credentials=false --v 0
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$kc" --authentication-kubeconfig "$kc" \
    --authorization-kubeconfig "$kc" --leader-elect=false --bind-address 127.0.0.1 --secure-port "$sched_port" --v 0
  # WatchListClient off: etcd 3.4 lacks the progress notifications the watch-list stream needs
  KUBE_FEATURE_WatchListClient=false start kwok "$KWOK_BIN" --kubeconfig "$kc" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --manage-nodes-with-label-selector= \
    --disregard-status-with-annotation-selector kwok.x-k8s.io/status=custom --disregard-status-with-label-selector= \
    --cidr 10.128.0.1/16 --node-ip 10.127.0.1 --node-lease-duration-seconds 40

  # one fake node, big enough for three releases
  kubectl --kubeconfig "$kc" apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    node.alpha.kubernetes.io/ttl: "0"
    kwok.x-k8s.io/node: fake
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kwok-node-0
    kubernetes.io/os: linux
    topology.kubernetes.io/zone: zone-a
spec: {}
status:
  allocatable: {cpu: "256", memory: 1Ti, pods: "2000"}
  capacity: {cpu: "256", memory: 1Ti, pods: "2000"}
  nodeInfo: {architecture: amd64, kubeletVersion: fake, kubeProxyVersion: fake, operatingSystem: linux}
EOF
  wait_for "the fake node to be Ready" 60 bash -c "[[ \$(kubectl --kubeconfig '$kc' get node kwok-node-0 -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}') == True ]]" ||
    { alive; return 1; }
  # the node lifecycle controller taints a new node not-ready before kwok reports it; it is Ready now
  kubectl --kubeconfig "$kc" taint nodes kwok-node-0 node.kubernetes.io/not-ready- >/dev/null 2>&1 || true
  wait_for "the default ServiceAccount" 60 kubectl --kubeconfig "$kc" -n default get serviceaccount default || { alive; return 1; }
  alive
  say "control plane up in $(echo "$EPOCHREALTIME - $t0" | bc | cut -c1-5)s: KUBECONFIG=$kc ($(kubectl --kubeconfig "$kc" version -o json 2>/dev/null | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1))"
  echo "$kc"
}

cmd_down() {
  DIR=${1:?usage: cluster.sh down DIR}
  [[ -f $DIR/pids ]] || { rm -rf "$DIR"; return 0; }
  local n p names=() pids=() i
  while read -r n p; do names+=("$n"); pids+=("$p"); done <"$DIR/pids"
  # the reverse order of start: kwok and the controllers first, etcd last
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[$i]}" 2>/dev/null || continue
    wait_for "${names[$i]} to stop" 10 bash -c "! kill -0 ${pids[$i]}" || kill -9 "${pids[$i]}" 2>/dev/null || true
  done
  rm -rf "$DIR"
}

cmd_test() {
  local results=${1:-$REPO_ROOT/.local/test-results/cluster.json} status=0 t0=$SECONDS
  shift $(($# >= 1 ? 1 : 0))
  cmd_build
  say "tools ready in $((SECONDS - t0))s"
  local tmp=${ALPHINTRA_CLUSTER_TMP:-}
  [[ -n $tmp ]] || { [[ -d /dev/shm && -w /dev/shm ]] && tmp=/dev/shm || tmp=${TMPDIR:-/tmp}; }
  CLUSTER_RUN=$(mktemp -d "$tmp/alphintra-cluster.XXXXXX")
  trap 'cmd_down "$CLUSTER_RUN"' EXIT
  local run=$CLUSTER_RUN
  cmd_up "$run" >/dev/null || { echo "the control plane did not start" >&2; for f in "$run"/*.log; do echo "--- $f" >&2; tail -15 "$f" >&2; done; exit 1; }
  mkdir -p "$(dirname "$results")"
  cd "$REPO_ROOT"
  # the spec needs no PostgreSQL or Kafka: `external` keeps Jest's global setup from starting them
  ALPHINTRA_TEST_INFRA=external ALPHINTRA_KUBECONFIG="$run/kubeconfig" ALPHINTRA_HELM="$(ensure_helm)" \
    node --experimental-vm-modules --no-warnings node_modules/jest/bin/jest.js -c tools/jest.config.js \
    --runTestsByPath tools/k8s/cluster.spec.ts --json --outputFile="$results" "$@" || status=$?
  if ((status)); then for f in "$run"/*.log; do echo "--- $f (last lines)" >&2; tail -8 "$f" >&2; done; fi
  say "cluster step: $((SECONDS - t0))s"
  return $status
}

case ${1:-} in
  build) cmd_build ;;
  up) shift; cmd_build; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: tools/k8s/cluster.sh build | up DIR | down DIR | test [RESULTS_JSON] [jest args...]" >&2; exit 64 ;;
esac
