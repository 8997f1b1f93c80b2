#!/usr/bin/env bash
# `make images`: docker/Dockerfile built with podman for every app and ops, without a registry
# (ADR 0029). One build context; the build stages and the runtime, node_modules and dist/libs
# layers are shared, so the first image pays for npm install and the build and the nine others
# only for their own code.
#   tools/containers/app-images.sh [APP...]      # default: all ten; prints the image names
# NODE_IMAGE=node:24-slim (with a registry) skips the local Node image; TAG (default dev) tags
# the images alphintra/<app>:<TAG>, as docker/compose.yaml names them.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ALPHINTRA_ROOT"
TAG=${TAG:-dev}
ALL_APPS=(gateway auth user strategy trading risk broker nocode notification ops)
apps=("$@")
((${#apps[@]})) || apps=("${ALL_APPS[@]}")

if [[ -z ${NODE_IMAGE:-} ]]; then NODE_IMAGE=$(bash tools/containers/node-image.sh); fi

# One snapshot of the work tree (tracked and untracked files git does not ignore) for all ten
# builds: the same source in every image, and the shared build stages stay cached while
# someone edits the tree during the builds.
ctx=$(mktemp -d "${TMPDIR:-/tmp}/alphintra-context.XXXXXX")
trap 'rm -rf "$ctx"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$ctx"
else
  tar --exclude=./node_modules --exclude=./dist --exclude=./.local -cf - . | tar -xf - -C "$ctx"
fi
args=(--layers --build-arg "NODE_IMAGE=$NODE_IMAGE" --build-arg "VERSION=0.0.0-$TAG"
      --build-arg "REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)" -f "$ctx/docker/Dockerfile")
if [[ $ALPHINTRA_CONTAINER_ENGINE == podman ]]; then
  # docker format: OCI images drop HEALTHCHECK; podman reads <Dockerfile>.dockerignore only when told
  args+=(--format docker --ignorefile "$ctx/docker/Dockerfile.dockerignore")
fi
# a TLS-intercepting proxy's CA (what npm on this machine trusts) for npm install in the build
ca=${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}
[[ -s $ca ]] || ca=/etc/ssl/certs/ca-certificates.crt
[[ -s $ca ]] && args+=(--secret "id=ca-bundle,src=$ca")

for app in "${apps[@]}"; do
  started=$SECONDS
  log="$ALPHINTRA_CACHE/containers/build-$app.log"
  if ! engine build "${args[@]}" --build-arg "APP=$app" -t "alphintra/$app:$TAG" "$ctx" >"$log" 2>&1; then
    tail -30 "$log" >&2
    cdie "building alphintra/$app:$TAG failed (log $log)"
  fi
  csay "alphintra/$app:$TAG built in $((SECONDS - started))s"
  echo "alphintra/$app:$TAG"
done
