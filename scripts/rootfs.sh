#!/usr/bin/env bash
# Builds (once) the Debian 12 root filesystem the deploy tests boot with systemd as
# PID 1 under systemd-nspawn: systemd 252, nginx, sudo, git and curl from Debian's
# packages, and man-db (the package test reads svcgen's man page there). Node, npm
# and PM2 are bound in from the host by the tests.
#
# Usage: scripts/rootfs.sh [DIR]   (default /var/cache/svcgen-test/rootfs-bookworm-2)
# Prints the directory. Rebuilds only when the directory is missing; bump the
# suffix when the package list changes.
set -Eeuo pipefail

readonly ROOT=${1:-/var/cache/svcgen-test/rootfs-bookworm-2}
readonly SUITE=bookworm
readonly MIRROR=http://deb.debian.org/debian
readonly PACKAGES=systemd,systemd-sysv,dbus,nginx-light,curl,ca-certificates,sudo,git,procps,man-db

if [[ -e "$ROOT/.svcgen-rootfs-complete" ]]; then
  echo "$ROOT"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "rootfs.sh: debootstrap is not installed" >&2; exit 1; }
mkdir -p "$(dirname "$ROOT")"
tmp=$(mktemp -d "$ROOT.building.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
echo "rootfs.sh: debootstrap $SUITE into $ROOT (about a minute)" >&2
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" "$MIRROR" >"$tmp.log" 2>&1 \
  || { tail -20 "$tmp.log" >&2; rm -f "$tmp.log"; exit 1; }
rm -f "$tmp.log"
# The tests enable their own sites; nothing else listens.
rm -f "$tmp/etc/nginx/sites-enabled/default"
rm -rf "$tmp/var/cache/apt/archives/"*.deb "$tmp/usr/share/doc" "$tmp/usr/share/locale"
# Mount points for what the tests bind in from the host.
touch "$tmp/usr/bin/node" "$tmp/usr/local/bin/svcgen"
touch "$tmp/.svcgen-rootfs-complete"
rm -rf -- "$ROOT"
mv -T -- "$tmp" "$ROOT"
trap - EXIT
# An earlier build of the default root (an older package list) is no longer used.
if [[ $# -eq 0 ]]; then
  for old in /var/cache/svcgen-test/rootfs-bookworm-*; do
    [[ $old == "$ROOT" || $old == *.building.* ]] || rm -rf -- "$old"
  done
fi
echo "$ROOT"
