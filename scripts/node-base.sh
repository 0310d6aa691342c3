#!/usr/bin/env bash
# Builds (once) the base image the container tests build the app's image from:
# Debian 12 minbase with nodejs, npm and tini from Debian's packages (no image
# registry is reachable here), trimmed and packed as a tar that `docker import`
# reads. npm is installed with apt inside the new root: debootstrap cannot order
# npm's dependencies itself (it leaves node-* packages unconfigured).
#
# Usage: scripts/node-base.sh [TAR]   (default /var/cache/svcgen-test/node-base-bookworm-1.tar)
# Prints the tar's path. Rebuilds only when it is missing; bump the suffix when
# the package list changes.
set -Eeuo pipefail

readonly TAR=${1:-/var/cache/svcgen-test/node-base-bookworm-1.tar}
readonly SUITE=bookworm
readonly MIRROR=http://deb.debian.org/debian
readonly PACKAGES=nodejs,tini,ca-certificates

if [[ -s "$TAR" ]]; then
  echo "$TAR"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "node-base.sh: debootstrap is not installed" >&2; exit 1; }
mkdir -p "$(dirname "$TAR")"
tmp=$(mktemp -d "$TAR.building.XXXXXX")
trap 'rm -rf -- "$tmp" "$tmp.log"' EXIT
echo "node-base.sh: debootstrap $SUITE with $PACKAGES, then npm (about four minutes, once)" >&2
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" "$MIRROR" >"$tmp.log" 2>&1 \
  || { tail -20 "$tmp.log" >&2; exit 1; }
chroot "$tmp" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm' \
  >"$tmp.log" 2>&1 || { tail -20 "$tmp.log" >&2; exit 1; }
rm -rf "$tmp/var/cache/apt/archives/"*.deb "$tmp/var/lib/apt/lists/"* \
  "$tmp/usr/share/doc" "$tmp/usr/share/man" "$tmp/usr/share/locale" "$tmp/usr/share/info"
tar -C "$tmp" -cf "$TAR.part" .
mv -T -- "$TAR.part" "$TAR"
echo "$TAR"
