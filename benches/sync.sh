#!/usr/bin/env bash
# Section 6 of BENCHMARKS.md: `sync` of 1,000 files in 20 directories against
# the sandbox with Webflow's 120-calls-a-minute limit. Writes
# benches/out/sync.tsv; benches/report.py turns it into the section. Runs by
# itself (about 9 minutes, most of it waiting on the rate limit) or from
# benches/compare.sh. Everything runs on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=benches/out
mkdir -p "$OUT"
cargo build --release -p webflow-assets-cli --ignore-rust-version 2>/dev/null
BIN=$(pwd)/target/release/webflow-assets
TREE=$OUT/sync-tree
rm -rf "$TREE" && mkdir -p "$TREE"
python3 - "$TREE" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(20):
    os.makedirs(os.path.join(root, f"dir-{d:02}"), exist_ok=True)
    for f in range(50):
        with open(os.path.join(root, f"dir-{d:02}", f"file-{f:02}.txt"), "w") as fh:
            fh.write(f"directory {d}, file {f}\n" * (1 + f))
PY
LIMIT=120
log=$OUT/sync-sandbox.out
"$BIN" sandbox --rate-limit "$LIMIT" > "$log" 2>/dev/null &
SB=$!
for _ in $(seq 1000); do grep -q 'site id' "$log" 2>/dev/null && break; sleep 0.005; done
export WEBFLOW_BASE_URL=$(awk '/base URL:/ {print $3}' "$log")
export WEBFLOW_TOKEN=$(awk '/token:/ {print $2}' "$log")
export WEBFLOW_SITE_ID=$(awk '/site id:/ {print $3}' "$log")
stats() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "${WEBFLOW_BASE_URL%/v2}/_sandbox/stats"; }
start=$(date +%s.%N)
/usr/bin/time -v "$BIN" sync "$TREE" --concurrency 8 --quiet 2> "$OUT/sync-time.txt"
end=$(date +%s.%N)
first=$(stats)
again_start=$(date +%s.%N)
"$BIN" sync "$TREE" --quiet
again_end=$(date +%s.%N)
second=$(stats)
kill -INT "$SB"; wait "$SB" || true
rss=$(grep 'Maximum resident' "$OUT/sync-time.txt" | awk '{print $NF}')
python3 - "$first" "$second" "$start" "$end" "$again_start" "$again_end" "$rss" "$LIMIT" > "$OUT/sync.tsv" <<'PY'
import datetime, json, sys
first, second = json.loads(sys.argv[1]), json.loads(sys.argv[2])
start, end, a0, a1 = map(float, sys.argv[3:7])
rss, limit = int(sys.argv[7]), int(sys.argv[8])
KINDS = ["created", "listed", "fetched", "updated", "deleted", "folders_listed", "folders_created", "folders_fetched"]
calls1 = sum(first[k] for k in KINDS)
calls2 = sum(second[k] for k in KINDS) - calls1
changing2 = sum(second[k] - first[k] for k in ["created", "updated", "deleted", "folders_created"])
cols = ["date", "files", "dirs", "limit_per_min", "first_wall_s", "first_calls", "created",
        "folders_created", "first_list_calls", "rate_limited", "resync_wall_s", "resync_calls",
        "resync_changing_calls", "peak_rss_kib"]
row = [datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), 1000, 20, limit,
       round(end - start, 2), calls1, first["created"], first["folders_created"],
       first["listed"] + first["folders_listed"], first["rate_limited"], round(a1 - a0, 2), calls2,
       changing2, rss]
print("\t".join(cols))
print("\t".join(map(str, row)))
PY
cat "$OUT/sync.tsv"
