#!/usr/bin/env bash
# Builds what a release publishes for this machine's platform, into target/dist/:
#   svcgen-VERSION-TRIPLE.tar.gz  the binary, a man page per command, completions
#                                 for bash, zsh and fish, README.md and LICENSE
#   svcgen_VERSION-1_ARCH.deb     the same, as a Debian package (cargo-deb)
#   SHA256SUMS                    of both
# The man pages and completions are made by the binary itself. Prints the paths
# of the two files. The release workflow runs this on each platform's runner.
#
# Usage: scripts/dist.sh   Needs cargo-deb (scripts/test.sh installs the pinned one).
set -Eeuo pipefail
cd "$(dirname "$0")/.."

command -v cargo-deb >/dev/null || { echo "dist.sh: cargo-deb is not installed (cargo install --locked cargo-deb)" >&2; exit 1; }
cargo build --quiet --locked --release
readonly BIN=target/release/svcgen
version=$("$BIN" --version | cut -d' ' -f2)
triple=$(rustc -vV | sed -n 's/^host: //p')
readonly version triple

rm -rf target/assets target/dist
mkdir -p target/assets/man target/assets/completions target/dist
"$BIN" man --dir target/assets/man
# Reproducible pages: no name or timestamp in the gzip header.
gzip -9n target/assets/man/*.1
"$BIN" completions bash >target/assets/completions/svcgen.bash
"$BIN" completions zsh >target/assets/completions/_svcgen
"$BIN" completions fish >target/assets/completions/svcgen.fish

# The archive: one directory named like the archive.
readonly name=svcgen-$version-$triple
mkdir -p "target/assets/$name"
cp "$BIN" README.md LICENSE "target/assets/$name/"
cp -r target/assets/man target/assets/completions "target/assets/$name/"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
  -czf "target/dist/$name.tar.gz" -C target/assets "$name"

cargo deb --quiet --locked --no-build --output target/dist >/dev/null
(cd target/dist && sha256sum -- *.tar.gz *.deb >SHA256SUMS)
ls target/dist/*.tar.gz target/dist/*.deb
