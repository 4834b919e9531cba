#!/usr/bin/env bash
# Runs every comparison of BENCHMARKS.md in one go and rewrites it:
#   1. MD5 throughput against coreutils md5sum and `openssl md5` (256 MiB, page cache warm)
#   2. peak RSS of `upload --sandbox` for 10 MiB, 100 MiB and 1 GiB files
#   3. Create Asset Metadata call rate: this crate, the same calls as a bare
#      reqwest loop, the official Node SDK, and oha as the loopback ceiling,
#      at concurrency 1 to 16
#   4. batch throughput: 500 files, 100 ms latency per request, concurrency 8
#   5. clean release build of the library (default, ring, types-only) and its dependency count
#   6. sync of 1,000 files in 20 directories under a 120-a-minute limit (benches/sync.sh)
#   7. sync of 160 files under injected faults against a fault-free run (benches/sync_faults.sh)
# It installs what it needs (hyperfine from Debian, oha from crates.io, the
# Node SDK from npm). Everything runs on loopback. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$ROOT/benches/out
mkdir -p "$OUT"
export CARGO_TERM_COLOR=never
RUNS=${RUNS:-3}

log() { echo "== $*" >&2; }

# --- tools -------------------------------------------------------------------
if ! command -v hyperfine >/dev/null; then
  log "installing hyperfine"
  (apt-get update -qq && apt-get install -y -qq hyperfine) >/dev/null
fi
if ! command -v valgrind >/dev/null; then
  log "installing valgrind"
  (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null
fi
export PATH="$OUT/tools/bin:$PATH"
if ! command -v oha >/dev/null; then
  log "installing oha (crates.io)"
  cargo install oha --locked --root "$OUT/tools" >/dev/null 2>&1
fi
log "installing the Node SDK (npm)"
(cd benches/node && npm install --no-audit --no-fund --silent >/dev/null)

# --- builds ------------------------------------------------------------------
log "building (release)"
cargo build --release -p webflow-assets-cli --ignore-rust-version 2>/dev/null
cp target/release/webflow-assets "$OUT/webflow-assets"
BIN=$OUT/webflow-assets
cargo bench --bench create_calls --ignore-rust-version --no-run 2>/dev/null
CALLS=$(ls -t target/release/deps/create_calls-* | grep -v '\.d$' | head -1)

# --- 1. MD5 ------------------------------------------------------------------
log "1. MD5 throughput"
DATA=$OUT/data-256m.bin
[ -f "$DATA" ] || head -c 268435456 /dev/urandom > "$DATA"
cat "$DATA" > /dev/null
hyperfine --warmup 2 --runs 10 --export-json "$OUT/md5.json" \
  -n md5sum "md5sum $DATA" \
  -n openssl "openssl md5 $DATA" \
  -n webflow-assets "$BIN hash $DATA" >/dev/null
cargo bench --bench hash --ignore-rust-version 2>/dev/null > "$OUT/hash-buffers.txt"

# --- 2. memory ---------------------------------------------------------------
log "2. peak RSS of upload --sandbox"
: > "$OUT/memory.tsv"
for mib in 10 100 1024; do
  f=$OUT/mem-$mib.pdf
  [ -f "$f" ] || head -c $((mib * 1048576)) /dev/urandom > "$f"
  for run in $(seq "$RUNS"); do
    /usr/bin/time -v "$BIN" upload --sandbox --no-size-limits --quiet "$f" 2> "$OUT/time.txt" >/dev/null
    rss=$(grep 'Maximum resident' "$OUT/time.txt" | awk '{print $NF}')
    wall=$(grep 'Elapsed (wall clock)' "$OUT/time.txt" | awk '{print $NF}')
    printf '%s\t%s\t%s\t%s\n' "$mib" "$run" "$rss" "$wall" >> "$OUT/memory.tsv"
  done
done

# --- a sandbox in its own process --------------------------------------------
start_sandbox() { # args... ; sets SB_PID SB_URL SB_TOKEN SB_SITE
  local log=$OUT/sandbox.$$.out
  "$BIN" sandbox "$@" > "$log" 2>/dev/null &
  SB_PID=$!
  for _ in $(seq 1000); do grep -q 'site id' "$log" 2>/dev/null && break; sleep 0.005; done
  SB_URL=$(awk '/base URL:/ {print $3}' "$log")
  SB_TOKEN=$(awk '/token:/ {print $2}' "$log")
  SB_SITE=$(awk '/site id:/ {print $3}' "$log")
  SB_LOG=$log
}
stop_sandbox() { kill -INT "$SB_PID"; wait "$SB_PID" || true; }

# --- sandbox start-up ---------------------------------------------------------
log "sandbox start-up"
: > "$OUT/startup.tsv"
for run in $(seq 10); do
  start=$(date +%s.%N)
  start_sandbox
  end=$(date +%s.%N)
  stop_sandbox
  printf '%s\t%s\n' "$run" "$(python3 -c "print($end - $start)")" >> "$OUT/startup.tsv"
done

# --- 3. per-call overhead ----------------------------------------------------
log "3. Create Asset Metadata call rate"
start_sandbox
: > "$OUT/overhead.tsv"
BODY='{"fileName":"file.png","fileHash":"3c7d87c9575702bc3b1e991f4d3c638e"}'
for c in 1 2 4 8 16; do
  for run in $(seq "$RUNS"); do
    r=$("$CALLS" "$SB_URL" "$SB_TOKEN" "$SB_SITE" 2000 "$c" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rate"])')
    printf 'crate\t%s\t%s\t%s\n' "$c" "$run" "$r" >> "$OUT/overhead.tsv"
    r=$("$CALLS" "$SB_URL" "$SB_TOKEN" "$SB_SITE" 2000 "$c" bare | python3 -c 'import json,sys; print(json.load(sys.stdin)["rate"])')
    printf 'bare\t%s\t%s\t%s\n' "$c" "$run" "$r" >> "$OUT/overhead.tsv"
    r=$(node benches/node/create_calls.mjs "$SB_URL" "$SB_TOKEN" "$SB_SITE" 2000 "$c" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rate"])')
    printf 'node\t%s\t%s\t%s\n' "$c" "$run" "$r" >> "$OUT/overhead.tsv"
    r=$(oha -n 2000 -c "$c" --no-tui --output-format json -m POST \
          -H "Authorization: Bearer $SB_TOKEN" -H 'Content-Type: application/json' -d "$BODY" \
          "$SB_URL/sites/$SB_SITE/assets" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["summary"]["requestsPerSec"])')
    printf 'oha\t%s\t%s\t%s\n' "$c" "$run" "$r" >> "$OUT/overhead.tsv"
  done
done
# The crate against the bare reqwest loop, in turns, for the overhead ratio:
# the median of the ratios of each pair holds when the machine's speed drifts.
: > "$OUT/overhead-pairs.tsv"
for c in 1 16; do
  for run in $(seq 9); do
    a=$("$CALLS" "$SB_URL" "$SB_TOKEN" "$SB_SITE" 5000 "$c" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rate"])')
    b=$("$CALLS" "$SB_URL" "$SB_TOKEN" "$SB_SITE" 5000 "$c" bare | python3 -c 'import json,sys; print(json.load(sys.stdin)["rate"])')
    printf '%s\t%s\t%s\t%s\n' "$c" "$run" "$a" "$b" >> "$OUT/overhead-pairs.tsv"
  done
done
# Instructions per call of the client process alone (callgrind counts repeat
# run to run on a noisy machine): 3,000 calls minus 1,000, over 2,000.
: > "$OUT/instructions.tsv"
for mode in crate bare; do
  for n in 1000 3000; do
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$CALLS" "$SB_URL" "$SB_TOKEN" "$SB_SITE" "$n" 16 "$mode" 2>&1 >/dev/null \
      | awk '/Collected :/ {print $NF}')
    printf '%s\t%s\t%s\n' "$mode" "$n" "$ir" >> "$OUT/instructions.tsv"
  done
done
stop_sandbox

# --- 4. batch throughput -----------------------------------------------------
log "4. batch: 500 files, 100 ms per request, concurrency 8"
rm -rf "$OUT/batch-files" "$OUT/batch-store"
mkdir -p "$OUT/batch-files"
python3 - "$OUT/batch-files" <<'PY'
import os, sys
d = sys.argv[1]
for i in range(500):
    with open(os.path.join(d, f"file-{i:03}.txt"), "w") as f:
        f.write(f"small file {i}\n" * (1 + i % 50))
PY
: > "$OUT/batch.tsv"
for run in $(seq "$RUNS"); do
  rm -rf "$OUT/batch-store"
  start_sandbox --latency-ms 100 --storage-latency-ms 100 --dir "$OUT/batch-store"
  start=$(date +%s.%N)
  WEBFLOW_TOKEN=$SB_TOKEN "$BIN" upload "$OUT/batch-files" --base-url "$SB_URL" --site "$SB_SITE" \
    --concurrency 8 --json --no-manifest > "$OUT/batch-out.jsonl" 2>/dev/null || true
  end=$(date +%s.%N)
  stop_sandbox
  uploaded=$(grep -c '"status":"uploaded"' "$OUT/batch-out.jsonl" || true)
  failed=$(grep -c '"status":"failed"' "$OUT/batch-out.jsonl" || true)
  created=$(tail -1 "$SB_LOG" | python3 -c 'import json,sys; print(json.load(sys.stdin)["created"])')
  stored=$(find "$OUT/batch-store/webflow-sandbox" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$(python3 -c "print($end - $start)")" "$uploaded" "$failed" "$created" "$stored" >> "$OUT/batch.tsv"
done

# --- 5. build cost -----------------------------------------------------------
log "5. clean release builds of the library"
: > "$OUT/build.tsv"
for variant in default ring types; do
  flags=()
  [ "$variant" = ring ] && flags=(--no-default-features --features rustls-ring)
  [ "$variant" = types ] && flags=(--no-default-features --features types)
  rm -rf "$OUT/build-target"
  start=$(date +%s.%N)
  CARGO_TARGET_DIR=$OUT/build-target cargo build --release -p webflow-assets --lib "${flags[@]}" 2>/dev/null
  end=$(date +%s.%N)
  deps=$(cargo tree -p webflow-assets -e normal --prefix none "${flags[@]}" 2>/dev/null | sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | wc -l)
  deps_all=$(cargo tree -p webflow-assets -e normal,build --prefix none "${flags[@]}" 2>/dev/null | sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | wc -l)
  printf '%s\t%s\t%s\t%s\n' "$variant" "$(python3 -c "print($end - $start)")" "$deps" "$deps_all" >> "$OUT/build.tsv"
done
rm -rf "$OUT/build-target"

# --- 6. sync -------------------------------------------------------------------
log "6. sync: 1,000 files in 20 directories, 120 calls a minute"
bash benches/sync.sh >/dev/null

# --- 7. sync under faults --------------------------------------------------------
log "7. sync: 160 files under injected faults, against a fault-free run"
bash benches/sync_faults.sh >/dev/null

# --- report ------------------------------------------------------------------
log "writing BENCHMARKS.md"
python3 benches/report.py "$OUT" > BENCHMARKS.md
log "done"
