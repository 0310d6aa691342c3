#!/usr/bin/env bash
# Whole-process timings of svcgen against gixy-ng on the same inputs, with hyperfine:
#   1. one typical site (the api-gateway fixture's rendered nginx site),
#   2. a generated ~100k-line nginx.conf,
#   3. linting a whole description (render in memory + lint), svcgen only.
# Prints hyperfine's tables and the ratios. Needs hyperfine and gixy (scripts/test.sh
# installs gixy-ng; `apt-get install hyperfine`).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
command -v gixy >/dev/null || { echo "bench.sh needs gixy (pip install gixy-ng==0.2.59)" >&2; exit 2; }
cargo build --release --quiet
svcgen=$PWD/target/release/svcgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$svcgen" render fixtures/api-gateway.yaml --out "$work/site" >/dev/null
printf 'events {}\nhttp {\n    include %s/site/api-gateway.conf;\n}\n' "$work" >"$work/typical.conf"
python3 scripts/gen-big-nginx.py 100000 >"$work/big.conf"
echo "big.conf: $(wc -l <"$work/big.conf") lines, $(wc -c <"$work/big.conf") bytes"

hyperfine -N -i --warmup 3 --export-json "$work/typical.json" \
  -n svcgen "$svcgen lint --format json $work/typical.conf" \
  -n gixy "gixy $work/typical.conf"
hyperfine -N -i --warmup 1 --runs 3 --export-json "$work/big.json" \
  -n svcgen "$svcgen lint --format json $work/big.conf" \
  -n gixy "gixy $work/big.conf"
hyperfine -N -i --warmup 3 --export-json "$work/desc.json" \
  -n "svcgen lint description" "$svcgen lint --format json fixtures/api-gateway.yaml"

# One service's four files plus its description, checked against each other
# (with and without shellcheck, which is a process of its own).
"$svcgen" render fixtures/api-gateway.yaml --out "$work/four" >/dev/null
cp fixtures/api-gateway.yaml "$work/four/api-gateway.svcgen.yaml"
hyperfine -N -i --warmup 3 --export-json "$work/four.json" \
  -n "four files + description" "$svcgen lint --together --no-shellcheck --format json $work/four" \
  -n "four files + description, with shellcheck" "$svcgen lint --together --format json $work/four"

# The exposure score of every unit under /usr/lib/systemd/system: one svcgen run
# against one systemd-analyze run per unit.
units=(/usr/lib/systemd/system/*.service)
hyperfine -N -i --warmup 1 --runs 5 --export-json "$work/units.json" \
  -n "svcgen (one run)" "$svcgen lint --select SD012 --format json /usr/lib/systemd/system" \
  -n "systemd-analyze (loop)" "bash -c 'for u in /usr/lib/systemd/system/*.service; do systemd-analyze security --offline=true \"\$u\" >/dev/null 2>&1; done'"
echo "units scored: ${#units[@]}"

python3 - "$work" "$(wc -c <"$work/big.conf")" <<'PY'
import json, sys
work, size = sys.argv[1], int(sys.argv[2])
def means(name):
    return {r["command"]: r["mean"] for r in json.load(open(f"{work}/{name}.json"))["results"]}
t, b, d = means("typical"), means("big"), means("desc")
f, u = means("four"), means("units")
print()
print("| input | svcgen | gixy-ng | ratio |")
print("| --- | --- | --- | --- |")
print(f"| typical site | {t['svcgen']*1e3:.1f} ms | {t['gixy']*1e3:.0f} ms | {t['gixy']/t['svcgen']:.0f}x |")
print(f"| 100k-line nginx.conf | {b['svcgen']*1e3:.0f} ms ({size/b['svcgen']/1e6:.0f} MB/s) | {b['gixy']:.1f} s ({size/b['gixy']/1e6:.2f} MB/s) | {b['gixy']/b['svcgen']:.0f}x |")
print(f"| description (render + lint) | {d['svcgen lint description']*1e3:.1f} ms | n/a | |")
print(f"| four files + description, --together | {f['four files + description']*1e3:.1f} ms ({f['four files + description, with shellcheck']*1e3:.1f} ms with shellcheck) | | |")
print(f"| exposure of every unit in /usr/lib/systemd/system | {u['svcgen (one run)']*1e3:.0f} ms | {u['systemd-analyze (loop)']*1e3:.0f} ms (systemd-analyze loop) | {u['systemd-analyze (loop)']/u['svcgen (one run)']:.0f}x |")
PY
