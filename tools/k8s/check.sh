#!/usr/bin/env bash
# Checks everything under docker/, helm/, k8s/ without a cluster or a Docker engine:
#   - helm lint --strict for the default values and each tools/k8s/ci-values/*.yaml
#     (every topology, in-cluster and external infrastructure), and values.schema.json
#     rejecting bad values;
#   - helm template of each of those; k8s/base up to date with the chart; kubectl
#     kustomize of the base and each overlay;
#   - every rendered object validated against the strict Kubernetes 1.32 JSON schemas
#     (unknown fields and wrong types fail) and the deployment policies
#     (tools/k8s/check_manifests.py), with a mutation self-test of those checks;
#   - docker/compose.yaml loaded by compose-go for each topology, and the Dockerfile's
#     required properties.
# Tools (helm, a Python venv with kubernetes-validate, the compose validator) are
# installed on first use into ${ALPHINTRA_CACHE:-$HOME/.cache/alphintra}, never into the
# repository. Idempotent; exits non-zero if any step fails; prints a summary.
set -uo pipefail
exec 2>&1
# shellcheck source=tools/k8s/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT" || exit 1

work="$(mktemp -d "${TMPDIR:-/tmp}/alphintra-k8s-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 summary=()
started=$SECONDS

# step NAME COMMAND...: runs the command, records PASS/FAIL with its duration, and shows
# the end of its output when it fails.
step() {
  local name="$1"; shift
  local log="$work/step-$((passed + failed)).log" t0=$EPOCHREALTIME
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    summary+=("$(printf 'PASS  %-58s %6.1fs' "$name" "$(echo "$EPOCHREALTIME - $t0" | bc)")")
  else
    failed=$((failed + 1))
    summary+=("$(printf 'FAIL  %-58s %6.1fs' "$name" "$(echo "$EPOCHREALTIME - $t0" | bc)")")
    echo "---- FAIL: $name" >&2
    tail -n 40 "$log" >&2
  fi
  grep -E '^(manifests|mutation self-test):' "$log" | sed 's/^/      /' >&2 || true
}

# --- tools -------------------------------------------------------------------------------
t0=$SECONDS
command -v kubectl >/dev/null || { echo "kubectl is required (kubectl kustomize)" >&2; exit 1; }
HELM="$(ensure_helm)" || { echo "could not install helm" >&2; exit 1; }
PY="$(ensure_python)" || { echo "could not install kubernetes-validate" >&2; exit 1; }
COMPOSE_CHECK="$(ensure_compose_validator)" || { echo "could not build the compose validator" >&2; exit 1; }
log "tools ready in $((SECONDS - t0))s: $("$HELM" version --short), $(kubectl version --client 2>/dev/null | head -1), kubernetes-validate $KUBERNETES_VALIDATE_VERSION"

combos=()
for f in tools/k8s/ci-values/*.yaml; do combos+=("$(basename "$f" .yaml)"); done

# --- helm lint and values schema ---------------------------------------------------------
lint_all() {
  "$HELM" lint --strict "$CHART" --kube-version "$KUBE_VERSION" || return 1
  local c
  for c in "${combos[@]}"; do
    echo "== $c"
    "$HELM" lint --strict "$CHART" --kube-version "$KUBE_VERSION" -f "tools/k8s/ci-values/$c.yaml" || return 1
  done
}
step "helm lint --strict (defaults + ${#combos[@]} combinations)" lint_all

schema_rejects() {
  local bad
  "$HELM" lint --strict "$CHART" --kube-version "$KUBE_VERSION" --set topics.partitions=6 >/dev/null || {
    echo "control: a valid --set was rejected"; return 1; }
  for bad in "postgresql.topology=shards" "kafka.mode=managed" "kafka.internal.replicas=2" \
             "unknownKey=1" "apps.trading.unknownKey=1" "apps.trading.port=70000" \
             "postgresql.mode=external" "backup.target=s3" "defaults.logLevel=verbose" \
             "ingress.hosts[0].paths[0].pathType=Regex"; do
    if "$HELM" lint --strict "$CHART" --kube-version "$KUBE_VERSION" --set "$bad" >/dev/null 2>&1; then
      echo "values.schema.json accepted --set $bad"; return 1
    fi
    echo "rejected --set $bad"
  done
}
step "values.schema.json rejects invalid values" schema_rejects

# --- renders -----------------------------------------------------------------------------
template_all() {
  local c
  for c in "${combos[@]}"; do
    "$HELM" template "$RELEASE" "$CHART" --namespace alphintra --kube-version "$KUBE_VERSION" \
      -f "tools/k8s/ci-values/$c.yaml" >"$work/helm-$c.yaml" || return 1
    echo "$c: $(grep -c '^kind:' "$work/helm-$c.yaml") objects"
  done
}
step "helm template (${#combos[@]} topology x infrastructure combinations)" template_all

base_fresh() {
  render_kustomize_base "$HELM" "$work/base"
  diff -ru k8s/base "$work/base" || { echo "k8s/base is stale: run tools/k8s/render-kustomize.sh and commit k8s/base"; return 1; }
}
step "k8s/base matches the chart (render-kustomize.sh)" base_fresh

kustomize_all() {
  kubectl kustomize k8s/base >"$work/kustomize-base.yaml" || return 1
  local o
  for o in dev prod; do
    kubectl kustomize "k8s/overlays/$o" >"$work/kustomize-$o.yaml" || return 1
    echo "$o: $(grep -c '^kind:' "$work/kustomize-$o.yaml") objects"
  done
  # the Secrets the base expects, as tools/k8s/create-secrets.sh makes them (offline)
  tools/k8s/create-secrets.sh -n alphintra --print >"$work/secrets.yaml"
}
step "kubectl kustomize k8s/base, overlays dev and prod" kustomize_all

validate_all() {
  local renders=() c
  for c in "${combos[@]}"; do renders+=("$c=$work/helm-$c.yaml"); done
  renders+=("kustomize-base=$work/kustomize-base.yaml")
  renders+=("kustomize-dev=$work/kustomize-dev.yaml,$work/secrets.yaml")
  renders+=("kustomize-prod=$work/kustomize-prod.yaml,$work/secrets.yaml")
  "$PY" tools/k8s/check_manifests.py --kube-version "$KUBE_VERSION" --release "$RELEASE" \
    --mutations separate-internal --resolve-secrets separate-internal,kustomize-dev,kustomize-prod \
    "${renders[@]}"
}
step "Kubernetes $KUBE_VERSION strict schemas + deployment policies" validate_all

# --- docker ------------------------------------------------------------------------------
compose_all() {
  local t
  for t in separate domains schemas; do
    rm -rf "$work/compose" && mkdir -p "$work/compose/docker"
    cp docker/compose.yaml docker/gen-env.sh "$work/compose/docker/"
    "$work/compose/docker/gen-env.sh" "$t" || return 1
    # shellcheck disable=SC1091
    ( set -a; source "$work/compose/docker/.env"; set +a
      cd "$work/compose/docker" && "$COMPOSE_CHECK" compose.yaml ) || return 1
  done
  # without docker/.env the file must refuse to load (secrets are never defaulted)
  ( cd "$work/compose/docker" && rm -f .env && ! env -i PATH="$PATH" "$COMPOSE_CHECK" compose.yaml >/dev/null 2>&1 )
}
step "docker/compose.yaml loads (compose-go) for each topology" compose_all

dockerfile_rules() {
  local f=docker/Dockerfile rule
  for rule in '^FROM \$\{NODE_IMAGE\}' '^ARG NODE_IMAGE=node:24-slim$' '^USER 1000:1000$' '^HEALTHCHECK ' \
              '^ENTRYPOINT \["/usr/bin/tini", "--"' 'org\.opencontainers\.image\.(title|version|revision|source)' \
              'npm prune --omit=dev' 'install -y --no-install-recommends tini'; do
    grep -Eq "$rule" "$f" || { echo "$f: missing $rule"; return 1; }
  done
  [[ -f docker/Dockerfile.dockerignore ]] || { echo "docker/Dockerfile.dockerignore missing"; return 1; }
  bash -n docker/gen-env.sh tools/k8s/*.sh || return 1
  if command -v shellcheck >/dev/null; then
    shellcheck -x docker/gen-env.sh tools/k8s/*.sh
  else
    echo "shellcheck not installed: syntax check only"
  fi
}
step "Dockerfile conventions; shell scripts (bash -n, shellcheck)" dockerfile_rules

# --- summary -----------------------------------------------------------------------------
echo
printf '%s\n' "${summary[@]}"
echo "total $((SECONDS - started))s (helm $HELM_VERSION, Kubernetes schemas $KUBE_VERSION, cache $CACHE)"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
