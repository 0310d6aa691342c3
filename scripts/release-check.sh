#!/usr/bin/env bash
# Refuses a release whose tag or repository disagrees with Cargo.toml: the tag must
# be v + the package version, the repository the one Cargo.toml names, and the
# homepage (the docs site every lint finding links to) that repository's GitHub
# Pages address, where the release workflow publishes the docs.
#
# Usage: scripts/release-check.sh TAG REPOSITORY_URL
#   e.g. scripts/release-check.sh v0.1.0 https://github.com/svcgen/svcgen
set -Eeuo pipefail
cd "$(dirname "$0")/.."
(($# == 2)) || { echo "usage: scripts/release-check.sh TAG REPOSITORY_URL" >&2; exit 2; }
readonly tag=$1 url=$2

field() { sed -n "s/^$1 = \"\\(.*\\)\"\$/\\1/p" Cargo.toml | head -1; }
version=$(field version)
repository=$(field repository)
homepage=$(field homepage)
readonly version repository homepage

failed=0
if [[ $tag != "v$version" ]]; then
  echo "release-check: the tag is $tag, but Cargo.toml's version is $version (tag v$version)" >&2
  failed=1
fi
if [[ $url != "$repository" ]]; then
  echo "release-check: this repository is $url, but Cargo.toml's repository is $repository" >&2
  failed=1
fi
if [[ $url =~ ^https://github\.com/([^/]+)/([^/]+)$ ]]; then
  owner=${BASH_REMATCH[1],,}
  pages="https://$owner.github.io/${BASH_REMATCH[2]}/"
  if [[ $homepage != "$pages" ]]; then
    echo "release-check: the docs are published at $pages, but Cargo.toml's homepage (the rule pages lint links to) is $homepage" >&2
    failed=1
  fi
else
  echo "release-check: $url is not a GitHub repository address (https://github.com/OWNER/NAME)" >&2
  failed=1
fi
((failed == 0)) && echo "release-check: $tag of $url (docs at $homepage)"
exit "$failed"
