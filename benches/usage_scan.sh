#!/usr/bin/env bash
# Section 8 of BENCHMARKS.md: the usage scan of a generated site of 300
# pages, 20 components (UUID ids, as Webflow's), 5 collections and 5,000
# items (staged and live), against the sandbox: the calls of a cold scan, a
# warm rescan with nothing changed and one after 10 items changed (staged
# and live) against the minimum the API allows, the wall time with no limit
# and at Webflow's 60 and 120 calls a minute, and peak memory. Rewrites the
# section between its markers in BENCHMARKS.md from this run's figures
# (about 15 minutes, most of it waiting on the rate limit). Everything runs
# on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=benches/out
mkdir -p "$OUT"
cargo build --release -p webflow-assets-cli --ignore-rust-version 2>/dev/null
BIN=$(pwd)/target/release/webflow-assets
SITE_FILE=$OUT/usage-site.json
PAGES=300 COMPONENTS=20 COLLECTIONS=5 ITEMS=1000 ASSETS=400
python3 - "$SITE_FILE" "$PAGES" "$COMPONENTS" "$COLLECTIONS" "$ITEMS" "$ASSETS" <<'PY'
import json, random, sys
out, pages, components, collections, items, assets = sys.argv[1], *map(int, sys.argv[2:])
rnd = random.Random(17)
hexid = lambda prefix, n: f"{prefix}{n:0{24 - len(prefix)}x}"
uuid = lambda n: f"{n:08x}-5c3a-4e1b-8f00-{n:012x}"  # component ids are UUIDs on Webflow's sites
stamp = lambda c, i: f"2024-{1 + c:02d}-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z"  # one per item, as Webflow's
asset_ids = [hexid("a5", i) for i in range(assets)]
def img(node, aid):
    return {"id": node, "type": "image", "image": {"assetId": aid, "alt": "picture"}}
site = {
    "assets": [{"id": a, "fileName": f"file-{i}.png"} for i, a in enumerate(asset_ids)],
    "pages": [{
        "id": hexid("b0", p), "title": f"Page {p}", "slug": f"page-{p}",
        "nodes": [img(f"n{p}-1", rnd.choice(asset_ids)),
                  {"id": f"n{p}-2", "type": "text", "text": {"html": f"<p>Text of page {p}</p>", "text": f"Text of page {p}"}},
                  {"id": f"n{p}-3", "type": "component-instance", "componentId": uuid(p % components), "propertyOverrides": []}],
    } for p in range(pages)],
    "components": [{"id": uuid(c), "name": f"Component {c}", "nodes": [img(f"c{c}", rnd.choice(asset_ids))]}
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
                             "live": dict(data) if i % 2 == 0 else None,
                             "lastUpdated": stamp(c, i), "lastPublished": stamp(c, i)})
    site["collections"].append(col)
json.dump(site, open(out, "w"))
PY
site_bytes=$(stat -c %s "$SITE_FILE")

# One sandbox per limit: unlimited (the crate's own time), then 120 and 60
# a minute. Passes: cold (no index), warm (nothing changed), then 10 items of
# the first collection edited and published through the API (those calls
# are not counted), and warm again.
edit_items() {
  python3 - "$WEBFLOW_BASE_URL" "$WEBFLOW_TOKEN" <<'EDIT'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
collection = "d0" + "0" * 22
items = [{"id": f"e0{i:022x}", "fieldData": {"summary": f"edited {i}"}} for i in range(0, 20, 2)]
for path in ["items", "items/live"]:
    req = urllib.request.Request(f"{base}/collections/{collection}/{path}", method="PATCH",
                                 data=json.dumps({"items": items}).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
EDIT
}
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
  for pass in cold warm edited; do
    [ "$pass" = edited ] && edit_items
    local before; before=$(stats)
    local t0; t0=$(date +%s.%N)
    # The API scan only: the published site is section 9's.
    /usr/bin/time -v "$BIN" assets usage a50000000000000000000000 --index "$index" --json --no-published \
      > "$OUT/usage-out-$tag-$pass.json" 2> "$OUT/usage-time-$tag-$pass.txt"
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
  run_pair 60 limited60
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
# collection's fields once; staged and live items listed. A rescan must
# still read each item list once (its newest page) to know what changed.
common = page(assets) + 1 + page(pages) + 1 + components + 1
minimum = {"cold": common + pages + collections + collections * (page(items) + page(live)),
           "warm": common + 2 * collections, "edited": common + 2 * collections}
why = {"cold": "asset list, site, page list, every page's content, component list, every component's content, collection list and details, staged and live items",
       "warm": "the same without page contents (no page changed) and collection details (no schema changed), and one call per item list (its newest page, sorted by `lastUpdated` staged and `lastPublished` live); components carry no change marker",
       "edited": "as warm: 10 changed items fit in the newest page of their lists"}
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
out = [f"<!-- usage-scan:begin (written by benches/usage_scan.sh; do not edit by hand) -->",
       f"## 8. Where assets are used: the usage scan",
       "",
       f"Run {date} on {cpu}, release build, `webflow-assets assets usage ID --index FILE` against "
       f"`webflow-assets sandbox --site` with a generated site ({pages} pages, {components} components with UUID ids, "
       f"{collections} collections of {items} items with Image, MultiImage, File, rich-text and PlainText fields, every other item "
       f"published, each item with its own `lastUpdated`, {assets} assets; {site_bytes:,} bytes of site JSON). Passes: cold (no index), "
       f"warm (nothing changed), edited (10 items of one collection changed staged and live through Update Items first; "
       f"those calls not counted). Calls are the sandbox's counters (`/_sandbox/stats`) before and after each run; peak "
       f"memory is `/usr/bin/time -v`'s maximum resident set of the CLI. Before incremental item lists (the previous run of "
       f"this section, 2026-11-29): cold 410 calls, warm 105, 100 of them item lists.",
       "",
       "| scan | calls | minimum the API allows | wall, no limit | wall at 120 calls/min | wall at 60 calls/min | 429s at 120 / 60 | peak RSS |",
       "|---|---:|---:|---:|---:|---:|---:|---:|"]
for kind in ["cold", "warm", "edited"]:
    u, l, s = rows[("unlimited", kind)], rows[("limited", kind)], rows[("limited60", kind)]
    assert u["total"] == l["total"] == s["total"], (u, l, s)
    out.append(f"| {kind} | {u['total']} | {minimum[kind]} | {u['wall']:.2f} s | {l['wall']:.1f} s ({l['wall'] / 60:.1f} min) | "
               f"{s['wall']:.1f} s ({s['wall'] / 60:.1f} min) | {l['limited']} / {s['limited']} | {max(u['rss'], l['rss'], s['rss']) / 1024:.1f} MiB |")
out += ["", "Calls per operation (cold / warm / edited):", "",
        "| operation | cold | warm | edited |", "|---|---:|---:|---:|"]
for k in OPS:
    out.append(f"| {k} | " + " | ".join(str(rows[('unlimited', p)]['calls'][k]) for p in ["cold", "warm", "edited"]) + " |")
out += ["", f"The minimum, cold: {why['cold']}. Warm: {why['warm']}. Edited: {why['edited']}.",
        "At 120 and 60 calls a minute the wall time is the calls over the limit: the client waits out each 429's `Retry-After`, "
        "and every 429 counts as a call against the limit as Webflow's does.",
        "<!-- usage-scan:end -->"]
section = "\n".join(out)
text = open("BENCHMARKS.md").read()
pattern = re.compile(r"<!-- usage-scan:begin.*?<!-- usage-scan:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
print(section)
PY
