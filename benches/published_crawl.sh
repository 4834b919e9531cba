#!/usr/bin/env bash
# Section 9 of BENCHMARKS.md: the published-site crawl of the generated site
# of section 8 (300 pages, 20 components, 5 collections of 1,000 items, every
# other item published, so 2,500 template pages), with a site style sheet
# naming 50 assets as backgrounds, a favicon and an Open Graph image, served
# by the sandbox's published host on loopback. Reports the cold crawl
# (documents, bytes, wall time), the warm one (its 304s), peak memory, and
# curl fetching the same URLs with the same concurrency (8) for the ratio of
# wall time. Rewrites the section between its markers in BENCHMARKS.md from
# this run's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=benches/out
mkdir -p "$OUT"
cargo build --release -p webflow-assets-cli --ignore-rust-version 2>/dev/null
BIN=$(pwd)/target/release/webflow-assets
SITE_FILE=$OUT/published-site.json
PAGES=300 COMPONENTS=20 COLLECTIONS=5 ITEMS=1000 ASSETS=400
python3 - "$SITE_FILE" "$PAGES" "$COMPONENTS" "$COLLECTIONS" "$ITEMS" "$ASSETS" <<'PY'
import json, random, sys
out, pages, components, collections, items, assets = sys.argv[1], *map(int, sys.argv[2:])
rnd = random.Random(17)
hexid = lambda prefix, n: f"{prefix}{n:0{24 - len(prefix)}x}"
uuid = lambda n: f"{n:08x}-5c3a-4e1b-8f00-{n:012x}"
asset_ids = [hexid("a5", i) for i in range(assets)]
site_id = "580e63e98c9a982ac9b8b741"
cdn = lambda a, name: f"https://cdn.prod.website-files.com/{site_id}/{a}_{name}"
img = lambda node, aid: {"id": node, "type": "image", "image": {"assetId": aid, "alt": "picture"}}
css = "\n".join(f".section-{i} {{ background-image: url(\"{cdn(a, f'bg-{i}-p-1600.jpg')}\"); }}"
                for i, a in enumerate(asset_ids[:50]))
site = {
    "assets": [{"id": a, "fileName": f"file-{i}.png"} for i, a in enumerate(asset_ids)],
    "pages": [{
        "id": hexid("b0", p), "title": f"Page {p}", "slug": f"page-{p}",
        "nodes": [img(f"n{p}-1", rnd.choice(asset_ids)),
                  {"id": f"n{p}-2", "type": "text", "text": {"html": f"<p>Text of page {p}</p>", "text": f"Text of page {p}"}},
                  {"id": f"n{p}-3", "type": "component-instance", "componentId": uuid(p % components), "propertyOverrides": []}],
        "html": f"<section class=\"section-{p % 50}\" style=\"background-image:url({cdn(rnd.choice(asset_ids), 'inline.jpg')})\"></section>",
    } for p in range(pages)] + [{"id": hexid("b1", c), "title": f"Collection {c} template", "slug": f"detail_collection-{c}",
                                 "collectionId": hexid("d0", c)} for c in range(collections)],
    "components": [{"id": uuid(c), "name": f"Component {c}", "nodes": [img(f"c{c}", rnd.choice(asset_ids))]}
                   for c in range(components)],
    "collections": [],
    "publish": {"css": css, "favicon": asset_ids[0], "ogImage": asset_ids[1],
                "headCode": f"<script>window.hero = \"{cdn(asset_ids[2], 'hero.jpg')}\";</script>"},
}
for c in range(collections):
    col = {"id": hexid("d0", c), "displayName": f"Collection {c}", "slug": f"collection-{c}",
           "fields": [{"slug": "image", "type": "Image"}, {"slug": "body", "type": "RichText"}], "items": []}
    for i in range(items):
        a = rnd.choice(asset_ids)
        data = {"name": f"Item {c}-{i}", "slug": f"item-{c}-{i}", "image": {"fileId": a, "url": cdn(a, "main.png")},
                "body": f'<p>Body {i}</p><figure><img src="{cdn(rnd.choice(asset_ids), "x.png")}" alt="x"></figure>'}
        col["items"].append({"id": hexid(f"e{c}", i), "fieldData": data, "live": dict(data) if i % 2 == 0 else None})
    site["collections"].append(col)
json.dump(site, open(out, "w"))
PY

log=$OUT/published-sandbox.out
"$BIN" sandbox --site "$SITE_FILE" > "$log" 2>/dev/null &
sb=$!
trap 'kill -INT $sb 2>/dev/null || true' EXIT
for _ in $(seq 2000); do grep -q 'published site' "$log" 2>/dev/null && break; sleep 0.01; done
export WEBFLOW_BASE_URL=$(awk '/base URL:/ {print $3}' "$log")
export WEBFLOW_TOKEN=$(awk '/token:/ {print $2}' "$log")
export WEBFLOW_SITE_ID=$(awk '/site id:/ {print $3}' "$log")
index=$OUT/published-index.json
rm -f "$index"
for pass in cold warm; do
  /usr/bin/time -v "$BIN" assets usage a50000000000000000000000 --index "$index" --json \
    > "$OUT/published-out-$pass.json" 2> "$OUT/published-err-$pass.txt"
  # The scan's summary (with --json the CLI prints none): the index's.
  python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["summary"]))' "$index" \
    > "$OUT/published-summary-$pass.json"
done
# The API alone (section 8's scan, cold), for its peak memory.
rm -f "$OUT/published-index-api.json"
/usr/bin/time -v "$BIN" assets usage a50000000000000000000000 --index "$OUT/published-index-api.json" --json --no-published \
  > /dev/null 2> "$OUT/published-err-api.txt"
# The same URLs, fetched by curl with the same concurrency.
python3 - "$index" > "$OUT/published-urls.curl" <<'PY'
import json, sys
for url in json.load(open(sys.argv[1]))["published"]["docs"]:
    print(f'url = "{url}"\noutput = "/dev/null"')
PY
t0=$(date +%s.%N)
# Compression asked for on both sides, as the crawl asks (the sandbox
# gzips what is asked).
curl --silent --show-error --no-progress-meter --compressed --parallel --parallel-max 8 --config "$OUT/published-urls.curl"
t1=$(date +%s.%N)
echo "$t0 $t1" > "$OUT/published-curl.txt"
curl --version | head -1 | awk '{print $2}' > "$OUT/published-curl-version.txt"

# The style-sheet rule against a CSS tokenizer, on the fixture and on this
# site's style sheet.
python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["publish"]["css"])' "$SITE_FILE" > "$OUT/published-site.css"
for css in webflow-assets/tests/fixtures/published/site.webflow.css "$OUT/published-site.css"; do
  CARGO_TARGET_DIR=target cargo run --release --quiet --manifest-path benches/css_compare/Cargo.toml -- "$css"
done > "$OUT/css-compare.jsonl"

python3 - "$OUT" "$PAGES" "$COLLECTIONS" "$ITEMS" <<'PY'
import datetime, json, re, sys
out, pages, collections, items = sys.argv[1], *map(int, sys.argv[2:])
def crawl(pass_):
    text = open(f"{out}/published-err-{pass_}.txt").read()
    s = json.load(open(f"{out}/published-summary-{pass_}.json"))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    return dict(origin=s["publishedOrigin"], secs=s["publishedMillis"] / 1000, docs=s["published"],
                downloaded=s["publishedDownloaded"], bytes=s["publishedBytes"],
                not_modified=s["publishedNotModified"], rss=rss, wall=wall)
cold, warm = crawl("cold"), crawl("warm")
api_rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{out}/published-err-api.txt").read()).group(1))
t0, t1 = map(float, open(f"{out}/published-curl.txt").read().split())
curl = t1 - t0
curl_version = open(f"{out}/published-curl-version.txt").read().strip()
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
live = collections * ((items + 1) // 2)
lines = [
    "<!-- published-crawl:begin (written by benches/published_crawl.sh; do not edit by hand) -->",
    "## 9. Where assets are used: the published site",
    "",
    f"Run {date} on {cpu}, release build, `webflow-assets assets usage ID --index FILE --json` against "
    f"`webflow-assets sandbox --site` with section 8's generated site plus what only the published site shows "
    f"({pages} static pages, {collections} template pages giving {live} item pages, a site style sheet with 50 background "
    f"images, a favicon, an Open Graph image, head code and an inline style per page), served on loopback by the "
    f"sandbox's published host. The crawl's own time and counts are the scan's summary (`ScanSummary::published*`, kept in the index); peak memory is "
    f"`/usr/bin/time -v`'s maximum resident set of the whole run (API scan included). curl {curl_version} fetched the same "
    f"{cold['docs']} URLs (`--compressed --parallel --parallel-max 8`, bodies to /dev/null) right after; both ask for "
    f"compression, and the sandbox gzips what is asked. The documents include `robots.txt`, the sitemap and `/404` "
    f"(the 404 page, asked for every crawl: a 404 is never a 304).",
    "",
    "| crawl | documents | downloaded | 304 Not Modified | bytes downloaded | crawl wall time | peak RSS (whole run) |",
    "|---|---:|---:|---:|---:|---:|---:|",
]
for name, c in [("cold", cold), ("warm", warm)]:
    lines.append(f"| {name} | {c['docs']} | {c['downloaded']} | {c['not_modified']} | {c['bytes']:,} | {c['secs']:.2f} s | {c['rss'] / 1024:.1f} MiB |")
verdict = lambda ok: "met" if ok else "not met"
lines += [
    "",
    f"The API alone (`--no-published`, section 8's cold scan) peaked at {api_rss / 1024:.1f} MiB.",
    "",
    "| goal (issue 35) | figure of this run | verdict |",
    "|---|---:|---|",
    f"| cold crawl within 2× curl's wall time | {cold['secs'] / curl:.2f}× | {verdict(cold['secs'] / curl <= 2)} |",
    f"| warm crawl within 1.5× curl's wall time | {warm['secs'] / curl:.2f}× | {verdict(warm['secs'] / curl <= 1.5)} |",
    f"| peak RSS of the whole run at most 96 MiB | {max(cold['rss'], warm['rss']) / 1024:.1f} MiB | {verdict(max(cold['rss'], warm['rss']) <= 96 * 1024)} |",
    f"| the API-only scan at most 48 MiB | {api_rss / 1024:.1f} MiB | {verdict(api_rss <= 48 * 1024)} |",
]
lines += [
    "",
    f"curl, the same {cold['docs']} URLs, 8 at a time: {curl:.2f} s. The cold crawl took {cold['secs'] / curl:.2f}× curl's wall time "
    f"(it also parses every page, follows its links and classifies each use); the warm one {warm['secs'] / curl:.2f}×, "
    f"with {warm['not_modified']} of {warm['docs']} answers 304.",
    "",
    "Style sheets: the crate's `<id>_` rule over the whole text against cssparser 0.35's tokens (`url()` and strings, "
    "nested blocks included; `benches/css_compare/`), asset ids found and throughput (64 MiB of each file, one core):",
    "",
    "| style sheet | bytes | ids: rule | ids: tokenizer | only the rule | only the tokenizer | rule MiB/s | tokenizer MiB/s |",
    "|---|---:|---:|---:|---|---|---:|---:|",
]
for line in open(f"{out}/css-compare.jsonl"):
    c = json.loads(line)
    name = c["file"].rsplit("/", 1)[-1]
    lines.append(f"| `{name}` | {c['bytes']:,} | {c['rule']} | {c['tokenizer']} | {', '.join(c['only_rule']) or '-'} | "
                 f"{', '.join(c['only_tokenizer']) or '-'} | {c['rule_mib_s']} | {c['tokenizer_mib_s']} |")
lines += [
    "<!-- published-crawl:end -->",
]
section = "\n".join(lines)
text = open("BENCHMARKS.md").read()
pattern = re.compile(r"<!-- published-crawl:begin.*?<!-- published-crawl:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
print(section)
PY
