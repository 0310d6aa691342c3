#!/usr/bin/env bash
# Bounded work on hostile inputs, as /usr/bin/time -v measures it (figures
# printed, not asserted: a benchmark, not a timed test):
#   1. a 32 KB multi-document manifest stream of alias bombs (each document
#      expands to about 111,000 values): linted as Kubernetes manifests;
#   2. a description with 1,000, 2,000 and 4,000 environments: loaded, rendered
#      (--check) and linted, to show the cost per environment stays the same.
# Measured on a quiet 2-core machine: the alias stream 0.20 s / 73 MB; render
# --check 0.08 / 0.16 / 0.38 s, 28 / 40 / 64 MB; lint 0.41 / 0.85 / 1.81 s,
# 84 / 137 / 241 MB (lint renders and lints each environment's files: about
# 0.4 ms an environment on two cores, the renders a few chunks ahead of the
# linting, each Kubernetes document parsed once however many streams hold it).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
svcgen=$PWD/target/release/svcgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
doc = """apiVersion: v1
kind: ConfigMap
metadata: {name: x%d}
data:
  a: &a [1,1,1,1,1,1,1,1,1,1]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
"""
text = ""
i = 0
while len(text) < 32 * 1024:
    text += ("---\n" if i else "") + doc % i
    i += 1
open(f"{work}/aliases.yaml", "w").write(text)
base = open("fixtures/minimal.yaml").read().rstrip("\n") + "\n"
for n in (1000, 2000, 4000):
    envs = "".join(f"  env{i}:\n    site:\n      domains: [e{i}.example.com]\n" for i in range(n))
    open(f"{work}/envs{n}.yaml", "w").write(base + "environments:\n" + envs)
PY

measure() { # label, command...
  local label=$1
  shift
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || true
  printf '%-44s %8s s  %8s MB\n' "$label" \
    "$(awk -F': ' '/Elapsed/ {print $2}' "$work/time.txt")" \
    "$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$work/time.txt")"
}
echo "aliases.yaml: $(wc -c <"$work/aliases.yaml") bytes, $(grep -c '^---' "$work/aliases.yaml") documents"
measure "lint 32 KB alias stream (refused, KS000)" "$svcgen" lint --type kubernetes "$work/aliases.yaml"
for n in 1000 2000 4000; do
  measure "render --check, $n environments" "$svcgen" render "$work/envs$n.yaml" --check --out "$work/none"
  measure "lint, $n environments" "$svcgen" lint "$work/envs$n.yaml"
done
