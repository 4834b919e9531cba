#!/usr/bin/env bash
# Section 7 of BENCHMARKS.md: what settling creates inside the run costs.
# `sync` of 160 files in 8 directories, once against a fault-free sandbox and
# once against `sandbox --error-rate 0.15 --drop-rate 0.05 --seed 7` (the
# scenario of issue 15), each into a fresh site. Counts every API call the
# sandbox received (answered, failed, dropped) and checks the site holds
# every file once. Writes benches/out/sync-faults.tsv. Runs by itself (under
# a minute) or from benches/compare.sh. Everything runs on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=benches/out
mkdir -p "$OUT"
cargo build --release -p webflow-assets-cli --ignore-rust-version 2>/dev/null
BIN=$(pwd)/target/release/webflow-assets
TREE=$OUT/sync-faults-tree
rm -rf "$TREE" && mkdir -p "$TREE"
python3 - "$TREE" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(8):
    os.makedirs(os.path.join(root, f"dir-{d}"), exist_ok=True)
    for f in range(20):
        with open(os.path.join(root, f"dir-{d}", f"file-{f:02}.txt"), "w") as fh:
            fh.write(f"directory {d}, file {f}\n" * (1 + f))
PY
echo -e "scenario\texit\tapi_calls\tanswered\tinjected_errors\tinjected_drops\tcreated\tdeleted\tfolders_created\tassets_on_site\tfolders_on_site\tduplicates" > "$OUT/sync-faults.tsv"
for scenario in clean faults; do
  flags=()
  [ "$scenario" = faults ] && flags=(--error-rate 0.15 --drop-rate 0.05 --seed 7)
  log=$OUT/sync-faults-sandbox.out
  "$BIN" sandbox "${flags[@]}" > "$log" 2>/dev/null &
  SB=$!
  for _ in $(seq 1000); do grep -q 'site id' "$log" 2>/dev/null && break; sleep 0.005; done
  export WEBFLOW_BASE_URL=$(awk '/base URL:/ {print $3}' "$log")
  export WEBFLOW_TOKEN=$(awk '/token:/ {print $2}' "$log")
  export WEBFLOW_SITE_ID=$(awk '/site id:/ {print $3}' "$log")
  rm -f "$TREE"/.webflow-sync-*.jsonl
  set +e
  "$BIN" sync "$TREE" --quiet 2> "$OUT/sync-faults-$scenario.err"
  code=$?
  set -e
  stats=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "${WEBFLOW_BASE_URL%/v2}/_sandbox/stats")
  # The site as it is, read through the API with retries (faults included):
  # --json lines of every asset and folder.
  assets=$("$BIN" assets list --json 2>/dev/null || true)
  folders=$("$BIN" folders list --json 2>/dev/null || true)
  kill -INT "$SB"; wait "$SB" || true
  python3 - "$scenario" "$code" "$stats" "$assets" "$folders" >> "$OUT/sync-faults.tsv" <<'PY'
import collections, json, sys
scenario, code, stats = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
assets = [json.loads(l) for l in sys.argv[4].splitlines() if l.strip()]
folders = [json.loads(l) for l in sys.argv[5].splitlines() if l.strip()]
KINDS = ["created", "listed", "fetched", "updated", "deleted", "folders_listed", "folders_created", "folders_fetched"]
answered = sum(stats[k] for k in KINDS)
calls = answered + stats["injected_errors"] + stats["injected_drops"] + stats["rate_limited"]
folder_of = {a: f["id"] for f in folders for a in f.get("assets") or []}
names = collections.Counter((folder_of.get(a["id"]), a.get("originalFileName")) for a in assets)
dupes = sum(n - 1 for n in names.values()) + sum(n - 1 for n in collections.Counter(
    (f.get("parentFolder"), f.get("displayName")) for f in folders).values())
print("\t".join(map(str, [scenario, code, calls, answered, stats["injected_errors"], stats["injected_drops"],
                          stats["created"], stats["deleted"], stats["folders_created"], len(assets), len(folders), dupes])))
PY
done
cat "$OUT/sync-faults.tsv"
