#!/usr/bin/env bash
# Creates the Secrets that k8s/base (the chart rendered for kustomize) expects but never
# contains, with random values:
#   alphintra-postgresql-admin                     in-cluster PostgreSQL superuser
#   alphintra-<svc>-db, alphintra-<svc>-db-owner   runtime and owner role of each service
#   alphintra-auth-secrets, alphintra-broker-secrets, alphintra-trading-secrets, alphintra-notification-secrets
# A Secret that already exists is left alone: replacing a key-encryption key would make
# the data it encrypts unreadable, and replacing a password would lock the role out.
#
# Usage: tools/k8s/create-secrets.sh -n NAMESPACE [--smtp-url URL] [--print]
#   --print   write the Secrets as YAML to stdout instead of applying them (to seal or
#             encrypt them for GitOps); nothing is sent to a cluster.
set -euo pipefail
namespace="" print=false smtp_url=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n|--namespace) namespace="$2"; shift 2 ;;
    --print) print=true; shift ;;
    --smtp-url) smtp_url="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$namespace" ]] || { echo "usage: $0 -n NAMESPACE [--smtp-url URL] [--print]" >&2; exit 2; }

release=alphintra
services=(auth user strategy trading risk broker nocode notification)
password() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }
key32() { head -c 32 /dev/urandom | base64; }

emit() { # name, then kubectl create secret arguments
  local name="$1"; shift
  if ! $print && kubectl -n "$namespace" get secret "$name" >/dev/null 2>&1; then
    echo "secret/$name exists, kept" >&2
    return
  fi
  local yaml
  yaml="$(kubectl create secret generic "$name" -n "$namespace" --dry-run=client -o yaml "$@")"
  if $print; then
    printf -- '---\n%s\n' "$yaml"
  else
    printf '%s\n' "$yaml" | kubectl apply -n "$namespace" -f - >&2
  fi
}

emit "$release-postgresql-admin" --type=kubernetes.io/basic-auth --from-literal=username=postgres \
  --from-literal=password="$(password)"
for svc in "${services[@]}"; do
  emit "$release-$svc-db" --type=kubernetes.io/basic-auth \
    --from-literal=username="${svc}_service_user" --from-literal=password="$(password)"
  emit "$release-$svc-db-owner" --type=kubernetes.io/basic-auth \
    --from-literal=username="${svc}_owner" --from-literal=password="$(password)"
done
emit "$release-auth-secrets" --from-literal=AUTH_KEY_ENCRYPTION_KEY="$(key32)" \
  --from-literal=AUTH_BOOTSTRAP_ADMIN_PASSWORD="$(password)"
emit "$release-broker-secrets" --from-literal=BROKER_KEK="$(key32)"
emit "$release-trading-secrets" --from-literal=TRADING_ORDER_RECORD_SIGNING_KEY="$(key32)"
if [[ -n "$smtp_url" ]]; then
  emit "$release-notification-secrets" --from-literal=SMTP_URL="$smtp_url"
fi
