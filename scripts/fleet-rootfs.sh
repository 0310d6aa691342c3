#!/usr/bin/env bash
# Builds (once) what the fleet test boots as its servers: a bare Debian 12 host as a
# cloud image has it (systemd, openssh-server, python3, sudo; no nginx, no node),
# and, inside it, the test's stand-ins for the registries the servers cannot reach
# from their own network namespaces:
#   /var/lib/svcgen-test-mirror  a flat apt repository holding the packages the
#                                rendered setup.yml installs, with their dependencies
#                                (the only entry of /etc/apt/sources.list);
#   /var/cache/svcgen-test-npm   npm's cache holding PM2 at the tested version and its
#                                dependencies (/etc/npmrc: offline, from that cache).
# Everything else setup.yml does (user, directories, files, units, sites, the first
# deploy) starts from nothing.
#
# Usage: scripts/fleet-rootfs.sh [DIR]   (default /var/cache/svcgen-test/fleet-bookworm-1)
# Prints the root filesystem's directory. Rebuilds only when it is missing; bump the
# suffix when a package list or PM2's version changes.
set -Eeuo pipefail

readonly ROOT=${1:-/var/cache/svcgen-test/fleet-bookworm-1}
readonly SUITE=bookworm
readonly MIRROR=http://deb.debian.org/debian
readonly BARE=systemd,systemd-sysv,dbus,openssh-server,python3,sudo,ca-certificates
# What setup.yml's first task installs (src/render/ansible.rs, `svcgen_packages`).
readonly SERVICE_PACKAGES="nginx nodejs npm git sudo curl"
# What ansible.builtin.apt installs on a host without it before its first use.
readonly ANSIBLE_PACKAGES="python3-apt"
# src/render/ansible.rs, PM2_VERSION.
readonly PM2=pm2@6.0.8

if [[ -e "$ROOT/.svcgen-rootfs-complete" ]]; then
  echo "$ROOT"
  exit 0
fi
for tool in debootstrap systemd-nspawn dpkg-scanpackages; do
  command -v "$tool" >/dev/null || { echo "fleet-rootfs.sh: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$(dirname "$ROOT")"
tmp=$(mktemp -d "$ROOT.building.XXXXXX")
trap 'rm -rf -- "$tmp" "$tmp.log" "$tmp.npm"' EXIT
echo "fleet-rootfs.sh: debootstrap $SUITE into $ROOT (a few minutes)" >&2
debootstrap --variant=minbase --include="$BARE" "$SUITE" "$tmp" "$MIRROR" >"$tmp.log" 2>&1 \
  || { tail -20 "$tmp.log" >&2; exit 1; }
rm -rf "$tmp/var/cache/apt/archives/"*.deb "$tmp/usr/share/doc" "$tmp/usr/share/locale"

# The service's packages and every dependency the bare host lacks, downloaded by the
# bare host's own apt (so the set is exactly what its install needs).
mirror=/var/lib/svcgen-test-mirror
systemd-nspawn -D "$tmp" --register=no --keep-unit --quiet --pipe /bin/sh -c \
  "apt-get -qq update && apt-get -qq install --download-only -y $SERVICE_PACKAGES $ANSIBLE_PACKAGES" >"$tmp.log" 2>&1 \
  || { tail -20 "$tmp.log" >&2; exit 1; }
mkdir -p "$tmp$mirror"
mv "$tmp/var/cache/apt/archives/"*.deb "$tmp$mirror/"
(cd "$tmp$mirror" && dpkg-scanpackages --multiversion . /dev/null 2>/dev/null >Packages)
rm -rf "$tmp/var/lib/apt/lists/"*
# A flat repository of the test's own: apt trusts it without a signature.
echo "deb [trusted=yes] file:$mirror ./" >"$tmp/etc/apt/sources.list"

# PM2 and its dependencies in npm's cache, fetched by the npm the servers install
# (npm keys its cache by the request it makes: another npm's entries would not
# match), in a throw-away overlay of the root filesystem. It trusts what this
# machine trusts (the registry may be reached through a proxy of its own CA).
mkdir -p "$tmp.npm"
systemd-nspawn -D "$tmp" --register=no --keep-unit --quiet --pipe --volatile=overlay \
  --bind="$tmp.npm:/var/cache/svcgen-test-npm" \
  --bind-ro="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}:/etc/ssl/build-host-ca.crt" \
  --setenv=NODE_EXTRA_CA_CERTS=/etc/ssl/build-host-ca.crt /bin/sh -c \
  "apt-get -qq update && apt-get -qq install -y nodejs npm >/dev/null && npm install --global --prefix /tmp/pm2 --cache /var/cache/svcgen-test-npm --no-audit --no-fund --loglevel=error $PM2" \
  >"$tmp.log" 2>&1 || { grep -v "^Attempted to remove" "$tmp.log" | tail -40 >&2; exit 1; }
rm -rf "$tmp.npm/_logs"
mv -T "$tmp.npm" "$tmp/var/cache/svcgen-test-npm"
printf 'cache=/var/cache/svcgen-test-npm\noffline=true\n' >"$tmp/etc/npmrc"

# sshd: keys only (the test installs its own), host keys made at build time.
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\nUseDNS no\n' \
  >"$tmp/etc/ssh/sshd_config.d/svcgen-test.conf"
touch "$tmp/.svcgen-rootfs-complete"
rm -rf -- "$ROOT"
mv -T -- "$tmp" "$ROOT"
rm -f "$tmp.log"
trap - EXIT
if [[ $# -eq 0 ]]; then
  for old in /var/cache/svcgen-test/fleet-bookworm-*; do
    [[ $old == "$ROOT" || $old == *.building.* ]] || rm -rf -- "$old"
  done
fi
echo "$ROOT"
