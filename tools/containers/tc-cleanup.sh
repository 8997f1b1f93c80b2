#!/usr/bin/env bash
# Ryuk's job without Ryuk (its image cannot be had without a registry; ADR 0029): removes the
# Testcontainers containers whose owning process (label alphintra.owner-pid) is gone, or, with
# --all, every container labelled org.testcontainers=true.
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [[ ${1:-} == --all ]]; then
  engine rm -f --filter label=org.testcontainers=true >/dev/null 2>&1 || true
  exit 0
fi
engine ps -a --filter label=org.testcontainers=true --format '{{.ID}} {{index .Labels "alphintra.owner-pid"}}' 2>/dev/null |
  while read -r id pid; do
    if [[ -z $pid || $pid == '<no value>' ]] || ! kill -0 "$pid" 2>/dev/null; then engine rm -f "$id" >/dev/null 2>&1 || true; fi
  done
