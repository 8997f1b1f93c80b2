# Sourced by the scripts beside it: podman set up for these machines (ADR 0029).
#   source tools/containers/env.sh   # exports CONTAINERS_CONF, ALPHINTRA_IMAGE_CACHE, ...
# Installs podman, buildah, runc and debootstrap (Debian packages) when missing and we are root.
# With ALPHINTRA_CONTAINER_ENGINE=docker (a Docker engine that reaches a registry) nothing is
# installed and `docker` is used as it is.
# shellcheck shell=bash

ALPHINTRA_ROOT=${ALPHINTRA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ALPHINTRA_CACHE=${ALPHINTRA_CACHE:-$HOME/.cache/alphintra}
# image archives (podman save) so that a fresh podman storage loads instead of rebuilding
export ALPHINTRA_IMAGE_CACHE=${ALPHINTRA_IMAGE_CACHE:-$ALPHINTRA_CACHE/images}
# a running Docker engine is used as it is; otherwise podman (installed when missing)
if [[ -z ${ALPHINTRA_CONTAINER_ENGINE:-} ]]; then
  if [[ -S /var/run/docker.sock ]] && docker info >/dev/null 2>&1; then ALPHINTRA_CONTAINER_ENGINE=docker; else ALPHINTRA_CONTAINER_ENGINE=podman; fi
fi
export ALPHINTRA_CONTAINER_ENGINE
# our own service on its own socket: a podman service someone started on the default socket lacks
# the containers.conf below (its containers then fail to set their rlimits here)
export PODMAN_SOCKET=${PODMAN_SOCKET:-/run/alphintra/podman.sock}

csay() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
cdie() { echo "error: $*" >&2; exit 1; }

# Debian packages the podman path needs; installed as root through apt-get, once.
containers_install() {
  [[ $ALPHINTRA_CONTAINER_ENGINE == podman ]] || return 0
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v buildah >/dev/null || missing+=(buildah)
  command -v runc >/dev/null || [[ -x /usr/sbin/runc ]] || missing+=(runc)
  command -v debootstrap >/dev/null || [[ -x /usr/sbin/debootstrap ]] || missing+=(debootstrap)
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null ||
    cdie "missing ${missing[*]}: install them (Debian: apt-get install podman buildah runc debootstrap)"
  csay "installing ${missing[*]} (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      podman buildah runc debootstrap uidmap slirp4netns fuse-overlayfs containernetworking-plugins iptables; } >&2 ||
    cdie "apt-get install ${missing[*]} failed"
}

# containers.conf for these VMs: runc (crun fails on the hybrid cgroup v1 here), cgroupfs (no
# systemd), and ulimits the kernel accepts (podman's default nofile of 1048576 is refused).
containers_conf() {
  local dir="$ALPHINTRA_CACHE/containers" hard
  hard=$(ulimit -Hn)
  [[ $hard == unlimited ]] && hard=1048576
  mkdir -p "$dir"
  cat >"$dir/containers.conf.new" <<EOF
# written by tools/containers/env.sh (ADR 0029)
[containers]
default_ulimits = ["nofile=$hard:$hard", "nproc=32768:32768"]
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  mv "$dir/containers.conf.new" "$dir/containers.conf"
  export CONTAINERS_CONF="$dir/containers.conf"
}

# `podman system service` on $PODMAN_SOCKET (the Docker API Testcontainers and the docker CLI
# talk to), started once and left running; its pid in the cache.
podman_service() {
  [[ $ALPHINTRA_CONTAINER_ENGINE == podman ]] || return 0
  local pidfile="$ALPHINTRA_CACHE/containers/podman-service.pid"
  if [[ -S $PODMAN_SOCKET ]] && curl -fsS --unix-socket "$PODMAN_SOCKET" http://d/_ping >/dev/null 2>&1; then return 0; fi
  mkdir -p "$(dirname "$PODMAN_SOCKET")"
  rm -f "$PODMAN_SOCKET"
  csay "starting podman system service on $PODMAN_SOCKET"
  setsid podman system service --time=0 "unix://$PODMAN_SOCKET" \
    >"$ALPHINTRA_CACHE/containers/podman-service.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  local i
  for i in $(seq 1 100); do
    curl -fsS --unix-socket "$PODMAN_SOCKET" http://d/_ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cdie "podman system service did not answer on $PODMAN_SOCKET (log $ALPHINTRA_CACHE/containers/podman-service.log)"
}

engine() { "$ALPHINTRA_CONTAINER_ENGINE" "$@"; }
image_exists() { engine image inspect "$1" >/dev/null 2>&1; }
archive_of() { echo "$ALPHINTRA_IMAGE_CACHE/$(echo "$1" | tr '/:' '__').tar"; }

# image_ensure NAME KEY BUILD_FUNCTION: NAME is present and was built from KEY (a hash of its
# inputs, kept as the label alphintra.key); otherwise loaded from the archive of that key, or
# built by BUILD_FUNCTION and saved.
image_ensure() {
  local name=$1 key=$2 build=$3 archive have
  archive=$(archive_of "$name")
  have=$(engine image inspect --format '{{ index .Config.Labels "alphintra.key" }}' "$name" 2>/dev/null || true)
  if [[ $have == "$key" ]]; then
    [[ -f $archive && $(cat "$archive.key" 2>/dev/null) == "$key" ]] || image_save "$name" "$key"
    return 0
  fi
  if [[ -f $archive && $(cat "$archive.key" 2>/dev/null) == "$key" ]]; then
    csay "loading $name from $archive"
    engine load -q -i "$archive" >/dev/null && [[ $(engine image inspect --format '{{ index .Config.Labels "alphintra.key" }}' "$name" 2>/dev/null) == "$key" ]] && return 0
  fi
  csay "building $name"
  "$build" "$key"
  image_save "$name" "$key"
}

image_save() {
  local archive
  archive=$(archive_of "$1")
  mkdir -p "$ALPHINTRA_IMAGE_CACHE"
  rm -f "$archive.tmp"
  engine save -q -o "$archive.tmp" "$1" >/dev/null && mv "$archive.tmp" "$archive" && echo "$2" >"$archive.key"
}

# the hash of files and strings, for image keys
key_of() { { for a in "$@"; do if [[ -f $a ]]; then sha1sum "$a"; else echo "$a"; fi; done; } | sha1sum | cut -c1-16; }

containers_install
[[ $ALPHINTRA_CONTAINER_ENGINE == podman ]] && containers_conf
true
