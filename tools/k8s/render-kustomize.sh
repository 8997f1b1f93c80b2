#!/usr/bin/env bash
# Regenerates k8s/base from the Helm chart, which is the source of truth: never edit
# k8s/base by hand, change the chart (or tools/k8s/kustomize-values.yaml) and run this.
# Usage: tools/k8s/render-kustomize.sh [output-dir]   (default: k8s/base)
set -euo pipefail
# shellcheck source=tools/k8s/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="${1:-$REPO_ROOT/k8s/base}"
helm="$(ensure_helm)"
render_kustomize_base "$helm" "$out"
log "wrote $(find "$out" -maxdepth 1 -name '*.yaml' | wc -l) files to $out"
