#!/usr/bin/env bash
# Make the Debian base images with debootstrap + docker import (no registry needed).
# Usage: build-base-images.sh [trixie] [bookworm]    (default: trixie)
# Images: altlab/debian:<suite>. Skips a suite whose image already exists.
set -euo pipefail
log() { printf '[base-images] %s\n' "$*" >&2; }
MIRROR=${ALTLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${ALTLAB_CACHE:-/var/cache/altlab}
suites=("$@"); ((${#suites[@]})) || suites=(trixie)

for suite in "${suites[@]}"; do
  image="altlab/debian:$suite"
  if docker image inspect "$image" >/dev/null 2>&1; then
    log "$image exists"; continue
  fi
  root="$CACHE/rootfs-$suite"
  rm -rf "$root"; mkdir -p "$root"
  log "debootstrap $suite (minbase) into $root"
  # minbase keeps the image small; apt inside the image still reaches the mirror for service packages.
  if ! debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$MIRROR" >"$CACHE/debootstrap-$suite.log" 2>&1; then
    tail -n 30 "$CACHE/debootstrap-$suite.log" >&2; log "debootstrap $suite failed"; exit 1
  fi
  # Keep images lean and apt non-interactive, as the upstream debian images do.
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/90altlab"
  rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
  tar -C "$root" -c . | docker import \
      -c 'ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8' -c 'CMD ["bash"]' - "$image" >/dev/null
  rm -rf "$root"
  log "built $image"
done
