#!/usr/bin/env bash
# Section 8 of BENCHMARKS.md: the usage scan of a generated site of 300
# pages, 20 components, 5 collections and 5,000 items (staged and live),
# against the sandbox: the calls of a cold scan and of a warm rescan against
# the minimum the API allows, the wall time at Webflow's 120 calls a minute,
# and peak memory. Rewrites the section between its markers in
# BENCHMARKS.md from this run's figures (about 6 minutes, most of it
# waiting on the rate limit). Everything runs on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=benches/out
mkdir -p "$OUT"
cargo build --release --features cli --ignore-rust-version 2>/dev/null
BIN=$(pwd)/target/release/webflow-assets
SITE_FILE=$OUT/usage-site.json
PAGES=300 COMPONENTS=20 COLLECTIONS=5 ITEMS=1000 ASSETS=400
python3 - "$SITE_FILE" "$PAGES" "$COMPONENTS" "$COLLECTIONS" "$ITEMS" "$ASSETS" <<'PY'
import json, random, sys
out, pages, components, collections, items, assets = sys.argv[1], *map(int, sys.argv[2:])
rnd = random.Random(17)
hexid = lambda prefix, n: f"{prefix}{n:0{24 - len(prefix)}x}"
asset_ids = [hexid("a5", i) for i in range(assets)]
def img(node, aid):
    return {"id": node, "type": "image", "image": {"assetId": aid, "alt": "picture"}}
site = {
    "assets": [{"id": a, "fileName": f"file-{i}.png"} for i, a in enumerate(asset_ids)],
    "pages": [{
        "id": hexid("b0", p), "title": f"Page {p}", "slug": f"page-{p}",
        "nodes": [img(f"n{p}-1", rnd.choice(asset_ids)),
                  {"id": f"n{p}-2", "type": "text", "text": {"html": f"<p>Text of page {p}</p>", "text": f"Text of page {p}"}},
                  {"id": f"n{p}-3", "type": "component-instance", "componentId": hexid("c0", p % components), "propertyOverrides": []}],
    } for p in range(pages)],
    "components": [{"id": hexid("c0", c), "name": f"Component {c}", "nodes": [img(f"c{c}", rnd.choice(asset_ids))]}
                   for c in range(components)],
    "collections": [],
}
for c in range(collections):
    col = {"id": hexid("d0", c), "displayName": f"Collection {c}", "slug": f"collection-{c}",
           "fields": [{"slug": "image", "type": "Image"}, {"slug": "gallery", "type": "MultiImage"},
                      {"slug": "doc", "type": "File"}, {"slug": "body", "type": "RichText"},
                      {"slug": "summary", "type": "PlainText"}],
           "items": []}
    for i in range(items):
        a, b = rnd.choice(asset_ids), rnd.choice(asset_ids)
        data = {"name": f"Item {c}-{i}", "slug": f"item-{c}-{i}",
                "image": {"fileId": a, "alt": "main"},
                "gallery": [{"fileId": b, "alt": "one"}, {"fileId": rnd.choice(asset_ids), "alt": "two"}],
                "doc": {"fileId": rnd.choice(asset_ids)},
                "body": f'<p>Body {i}</p><figure><img src="https://cdn.example.com/site/{rnd.choice(asset_ids)}_x.png" alt="x"></figure>',
                "summary": "plain text"}
        col["items"].append({"id": hexid(f"e{c}", i), "fieldData": data,
                             "live": dict(data) if i % 2 == 0 else None})
    site["collections"].append(col)
json.dump(site, open(out, "w"))
PY
site_bytes=$(stat -c %s "$SITE_FILE")

# One sandbox per limit: unlimited (the crate's own time), then 120 a minute.
run_pair() {
  local limit=$1 tag=$2 log=$OUT/usage-sandbox-$2.out args=()
  [ "$limit" != none ] && args=(--rate-limit "$limit")
  "$BIN" sandbox --site "$SITE_FILE" "${args[@]}" > "$log" 2>/dev/null &
  local sb=$!
  for _ in $(seq 2000); do grep -q 'site id' "$log" 2>/dev/null && break; sleep 0.01; done
  export WEBFLOW_BASE_URL=$(awk '/base URL:/ {print $3}' "$log")
  export WEBFLOW_TOKEN=$(awk '/token:/ {print $2}' "$log")
  export WEBFLOW_SITE_ID=$(awk '/site id:/ {print $3}' "$log")
  local index=$OUT/usage-index-$tag.json
  rm -f "$index"
  stats() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "${WEBFLOW_BASE_URL%/v2}/_sandbox/stats"; }
  for pass in cold warm; do
    local before; before=$(stats)
    local t0; t0=$(date +%s.%N)
    /usr/bin/time -v "$BIN" assets usage a50000000000000000000000 --index "$index" --json \
      > /dev/null 2> "$OUT/usage-time-$tag-$pass.txt"
    local t1; t1=$(date +%s.%N)
    local after; after=$(stats)
    local rss; rss=$(grep 'Maximum resident' "$OUT/usage-time-$tag-$pass.txt" | awk '{print $NF}')
    echo -e "$tag\t$pass\t$(python3 -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))' "$t0" "$t1")\t$rss\t$before\t$after"
  done
  kill -INT "$sb"; wait "$sb" || true
}
{
  run_pair none unlimited
  run_pair 120 limited
} > "$OUT/usage-scan.tsv"

python3 - "$OUT/usage-scan.tsv" "$PAGES" "$COMPONENTS" "$COLLECTIONS" "$ITEMS" "$ASSETS" "$site_bytes" <<'PY'
import datetime, json, math, re, sys
path, pages, components, collections, items, assets, site_bytes = sys.argv[1], *map(int, sys.argv[2:])
OPS = ["listed", "site_fetched", "pages_listed", "page_contents", "components_listed", "component_contents",
       "collections_listed", "collections_fetched", "items_listed", "live_items_listed"]
live = math.ceil(items / 2)  # published items per collection
rows = {}
for line in open(path):
    tag, kind, wall, rss, before, after = line.rstrip("\n").split("\t")
    b, a = json.loads(before), json.loads(after)
    calls = {k: a[k] - b[k] for k in OPS}
    rows[(tag, kind)] = dict(wall=float(wall), rss=int(rss), calls=calls, total=sum(calls.values()),
                             limited=a["rate_limited"] - b["rate_limited"])
page = lambda n: max(1, math.ceil(n / 100))
# The fewest calls the API allows: every list read 100 a call; each page's
# and component's content once (one call each: under 100 nodes); each
# collection's fields once; staged and live items listed.
common = page(assets) + 1 + page(pages) + 1 + components + 1 + collections * (page(items) + page(live))
minimum = {"cold": common + pages + collections, "warm": common}
why = {"cold": "asset list, site, page list, every page's content, component list, every component's content, collection list and details, staged and live items",
       "warm": "the same without page contents (no page changed) and collection details (no schema changed); components carry no change marker, items are listed whole"}
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
out = [f"<!-- usage-scan:begin (written by benches/usage_scan.sh; do not edit by hand) -->",
       f"## 8. Where assets are used: the usage scan",
       "",
       f"Run {date} on {cpu}, release build, `webflow-assets assets usage ID --index FILE` against "
       f"`webflow-assets sandbox --site` with a generated site ({pages} pages, {components} components, "
       f"{collections} collections of {items} items with Image, MultiImage, File and rich-text fields, every other item "
       f"published, {assets} assets; {site_bytes:,} bytes of site JSON). Calls are the sandbox's counters (`/_sandbox/stats`) "
       f"before and after each run; peak memory is `/usr/bin/time -v`'s maximum resident set of the CLI.",
       "",
       "| scan | calls | minimum the API allows | wall, no limit | wall at 120 calls/min | 429s at 120/min | peak RSS |",
       "|---|---:|---:|---:|---:|---:|---:|"]
for kind in ["cold", "warm"]:
    u, l = rows[("unlimited", kind)], rows[("limited", kind)]
    assert u["total"] == l["total"], (u, l)
    out.append(f"| {kind} | {u['total']} | {minimum[kind]} | {u['wall']:.2f} s | {l['wall']:.1f} s ({l['wall'] / 60:.1f} min) | {l['limited']} | {max(u['rss'], l['rss']) / 1024:.1f} MiB |")
out += ["", "Calls per operation (cold / warm):", "",
        "| operation | cold | warm |", "|---|---:|---:|"]
for k in OPS:
    out.append(f"| {k} | {rows[('unlimited', 'cold')]['calls'][k]} | {rows[('unlimited', 'warm')]['calls'][k]} |")
out += ["", f"The minimum, cold: {why['cold']}. Warm: {why['warm']}.",
        "At 120 calls a minute the wall time is the calls over the limit: the client waits out each 429's `Retry-After`, "
        "and every 429 counts as a call against the limit as Webflow's does.",
        "<!-- usage-scan:end -->"]
section = "\n".join(out)
text = open("BENCHMARKS.md").read()
pattern = re.compile(r"<!-- usage-scan:begin.*?<!-- usage-scan:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
print(section)
PY
