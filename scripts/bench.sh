#!/usr/bin/env bash
# Whole-process timings of svcgen against gixy-ng on the same inputs, with hyperfine:
#   1. one typical site (the api-gateway fixture's rendered nginx site),
#   2. a generated ~100k-line nginx.conf,
#   3. linting a whole description (render in memory + lint), svcgen only,
#   4. many findings: 2,000 copies of fixtures/handwritten/shop.conf in one file
#      (86k lines, 34,000 findings), default text format and JSON, against gixy,
#   5. linearity: 1x/10x/100x inputs (20/200/2,000 copies; 10k/100k/1M generated
#      lines): time, throughput and peak memory against the input's size.
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

# Many findings: N copies of a hand-written site (its names numbered) in one http block.
copies() {
  python3 - "$1" "${2:-fixtures/handwritten/shop.conf}" "${3:-shop}" <<'PY'
import sys
n, path, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
site = open(path).read()
out = ["events {}", "http {"]
out += [site.replace(name, f"{name}{i}") for i in range(n)]
out.append("}")
sys.stdout.write("\n".join(out) + "\n")
PY
}
for n in 20 200 2000; do copies "$n" >"$work/copies$n.conf"; done
# The typical density: a certbot-managed site (fixtures/bench/certbot-site.conf).
copies 2000 fixtures/bench/certbot-site.conf blog >"$work/certbot2000.conf"
hyperfine -N -i --warmup 1 --runs 10 --export-json "$work/typical-many.json" \
  -n "svcgen text" "$svcgen lint $work/certbot2000.conf" \
  -n "svcgen json" "$svcgen lint --format json $work/certbot2000.conf"
hyperfine -N -i --runs 1 --export-json "$work/typical-many-gixy.json" \
  -n gixy "gixy $work/certbot2000.conf"
for n in 10000 1000000; do python3 scripts/gen-big-nginx.py "$n" >"$work/gen$n.conf"; done
cp "$work/big.conf" "$work/gen100000.conf"
hyperfine -N -i --warmup 1 --runs 10 --export-json "$work/many.json" \
  -n "svcgen text" "$svcgen lint $work/copies2000.conf" \
  -n "svcgen json" "$svcgen lint --format json $work/copies2000.conf"
# gixy takes about a minute on this file: one run.
hyperfine -N -i --runs 1 --export-json "$work/many-gixy.json" \
  -n gixy "gixy $work/copies2000.conf"
for f in copies20 copies200 copies2000 gen10000 gen100000 gen1000000; do
  hyperfine -N -i --warmup 1 --runs 5 --export-json "$work/lin-$f.json" \
    -n text "$svcgen lint $work/$f.conf" -n json "$svcgen lint --format json $work/$f.conf" >/dev/null
  /usr/bin/time -f %M -o "$work/rss-$f" "$svcgen" lint --format json "$work/$f.conf" >"$work/out-$f.json" || true
  /usr/bin/time -f %M -o "$work/rss-base" "$svcgen" lint --format json "$work/typical.conf" >/dev/null || true
  cp "$work/rss-base" "$work/rssbase-$f"
done

python3 - "$work" "$(wc -c <"$work/big.conf")" "$svcgen" <<'PY'
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
import os
m, g = means("many"), means("many-gixy")["gixy"]
mb = os.path.getsize(f"{work}/copies2000.conf") / 1e6
print(f"| 2,000 copies of shop.conf ({mb:.1f} MB, 34,000 findings), text | {m['svcgen text']*1e3:.0f} ms | {g:.1f} s | {g/m['svcgen text']:.0f}x |")
print(f"| the same, JSON | {m['svcgen json']*1e3:.0f} ms ({mb/m['svcgen json']:.0f} MB/s) | | {g/m['svcgen json']:.0f}x |")
m, g = means("typical-many"), means("typical-many-gixy")["gixy"]
mb = os.path.getsize(f"{work}/certbot2000.conf") / 1e6
found = int(os.popen(f"{sys.argv[3]} lint --format json {work}/certbot2000.conf").read().count('"code"'))
print(f"| 2,000 copies of certbot-site.conf ({mb:.1f} MB, {found:,} findings), text | {m['svcgen text']*1e3:.0f} ms | {g:.1f} s | {g/m['svcgen text']:.0f}x |")
print(f"| the same, JSON | {m['svcgen json']*1e3:.0f} ms ({mb/m['svcgen json']:.0f} MB/s) | | {g/m['svcgen json']:.0f}x |")
print()
print("| input | size | findings | text | JSON | JSON throughput | peak memory above start-up | memory / input |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for f in ["copies20", "copies200", "copies2000", "gen10000", "gen100000", "gen1000000"]:
    r = means(f"lin-{f}")
    size = os.path.getsize(f"{work}/{f}.conf")
    found = len(json.load(open(f"{work}/out-{f}.json"))["diagnostics"])
    kib = lambda p: int(open(p).read().split()[-1])  # after any "Command exited…" line
    rss = kib(f"{work}/rss-{f}") - kib(f"{work}/rssbase-{f}")
    print(f"| {f} | {size/1e6:.2f} MB | {found} | {r['text']*1e3:.1f} ms | {r['json']*1e3:.1f} ms | {size/r['json']/1e6:.0f} MB/s | {rss/1024:.1f} MB | {rss*1024/size:.1f}x |")
PY
