#!/usr/bin/env bash
# localhost/debian:bookworm without a registry: debootstrap (minbase) from the Debian mirror apt
# already uses, imported into podman, cached as an archive under ~/.cache/alphintra/images.
#   tools/containers/base-image.sh          # prints the image name
# A user whose engine reaches a registry does not need it: pass BASE_IMAGE=debian:bookworm-slim
# (and NODE_IMAGE=node:24-slim) to the builds instead (ADR 0029).
set -euo pipefail
source "$(dirname "$0")/env.sh"
BASE_IMAGE=${BASE_IMAGE:-localhost/debian:bookworm}
SUITE=bookworm

# The first deb URI of $SUITE in apt's sources (deb822 .sources or one-line .list); and the
# security mirror when apt has one.
apt_uris() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    case "$f" in
      *.sources) awk -v RS= '/(^|\n)Types:[^\n]*deb( |$|\n)/ { uri=""; suites="";
          n=split($0, l, "\n"); for (i=1;i<=n;i++) { if (l[i] ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", l[i]); split(l[i], u, " "); uri=u[1] }
                                                    if (l[i] ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", l[i]); suites=l[i] } }
          if (uri != "") print uri " " suites }' "$f" ;;
      *) awk '$1 == "deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i " " $(i+1) }' "$f" ;;
    esac
  done
}
mirror=${DEBIAN_MIRROR:-$(apt_uris | awk -v s="$SUITE" '{ for (i=2;i<=NF;i++) if ($i == s) { print $1; exit } }')}
security=$(apt_uris | awk -v s="$SUITE-security" '{ for (i=2;i<=NF;i++) if ($i == s) { print $1; exit } }')
[[ -n $mirror ]] || cdie "no Debian mirror for $SUITE in /etc/apt/sources.list(.d); set DEBIAN_MIRROR"

build_base() {
  local key=$1 rootfs
  command -v debootstrap >/dev/null || [[ -x /usr/sbin/debootstrap ]] || cdie "debootstrap is missing"
  [[ $(id -u) == 0 ]] || cdie "debootstrap needs root"
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/alphintra-rootfs.XXXXXX")
  ROOTFS=$rootfs
  trap 'rm -rf "$ROOTFS" "$ROOTFS.log"' EXIT
  csay "debootstrap --variant=minbase $SUITE from $mirror"
  PATH=$PATH:/usr/sbin debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 ||
    { tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; cdie "debootstrap failed"; }
  rm -f "$rootfs.log"
  {
    echo "deb $mirror $SUITE main"
    echo "deb $mirror $SUITE-updates main"
    [[ -n $security ]] && echo "deb $security $SUITE-security main"
  } >"$rootfs/etc/apt/sources.list"
  # like the official image: no recommends, no docs, no apt cache
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/99alphintra"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/tmp/*
  tar --numeric-owner -C "$rootfs" -c . |
    engine import -q --change 'CMD ["/bin/bash"]' --change "LABEL alphintra.key=$key" \
      --change "LABEL org.opencontainers.image.description=Debian $SUITE (debootstrap minbase from $mirror)" - "$BASE_IMAGE" >/dev/null
}

[[ $ALPHINTRA_CONTAINER_ENGINE == podman ]] || cdie "base-image.sh builds for podman; with Docker use BASE_IMAGE=debian:bookworm-slim"
image_ensure "$BASE_IMAGE" "$(key_of "$0" "$mirror" "$security")" build_base
echo "$BASE_IMAGE"
