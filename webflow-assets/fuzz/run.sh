#!/usr/bin/env bash
# Runs every fuzz target for at least RUNS executions (default 1,000,000)
# and prints, per target, the executions done, the crashes found and the
# corpus size; writes the same as a Markdown table to fuzz/REPORT.md.
#
#   bash fuzz/run.sh            # all targets, 1,000,000 runs each
#   RUNS=100000 bash fuzz/run.sh rate_headers
#
# Needs nightly Rust and cargo-fuzz (installed if missing). A crash leaves
# its input under fuzz/artifacts/<target>/; make it a regression test in
# tests/fuzz_regressions.rs, fix it, and run again.
set -uo pipefail
cd "$(dirname "$0")"
RUNS=${RUNS:-1000000}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(create_response error_body s3_error post_response upload_details rate_headers published_document fit_image)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo +nightly fuzz build -O >/dev/null 2>&1 || cargo +nightly fuzz build -O

report=REPORT.md
machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
{
  echo "# Fuzzing report"
  echo
  echo "Written by \`bash fuzz/run.sh\` on $(date -u +%Y-%m-%d) ($machine), $(cargo +nightly --version)."
  echo "Each target ran for at least $RUNS executions, starting from the seeds in \`fuzz/seeds/\`."
  echo
  echo "| target | what it parses | executions | crashes | corpus | seconds |"
  echo "|---|---|---:|---:|---:|---:|"
} > "$report"

declare -A what=(
  [create_response]="Create Asset Metadata 200 body (decode, round trip)"
  [error_body]="Webflow's error body under each status"
  [s3_error]="S3's XML error document"
  [post_response]="S3's PostResponse and a 204's ETag"
  [upload_details]="the order-preserving uploadDetails map (round trip)"
  [rate_headers]="Retry-After (seconds, HTTP date), X-RateLimit-*"
  [fit_image]="any bytes as an image to fit (no allocation over 256 MiB)"
  [published_document]="a published page, style sheet and script (uses, links)"
)

total_crashes=0
for t in "${targets[@]}"; do
  corpus=corpus/$t
  mkdir -p "$corpus" "artifacts/$t"
  before=$(ls "artifacts/$t" | wc -l)
  start=$(date +%s)
  log=$(mktemp)
  cargo +nightly fuzz run -O "$t" "$corpus" "seeds/$t" -- \
    -runs="$RUNS" -print_final_stats=1 -close_fd_mask=3 >"$log" 2>&1
  status=$?
  secs=$(( $(date +%s) - start ))
  execs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  execs=${execs:-$(grep -oE 'Done [0-9]+ runs' "$log" | awk '{print $2}' | tail -1)}
  execs=${execs:-0}
  crashes=$(( $(ls "artifacts/$t" | wc -l) - before ))
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  total_crashes=$(( total_crashes + crashes ))
  size=$(ls "$corpus" | wc -l)
  printf '%-16s executions %10s  crashes %s  corpus %5s  %4ss\n' "$t" "$execs" "$crashes" "$size" "$secs"
  echo "| \`$t\` | ${what[$t]} | $execs | $crashes | $size | $secs |" >> "$report"
  if [ "$crashes" -gt 0 ]; then
    grep -m3 -E 'panicked|ERROR: libFuzzer' "$log" | sed 's/^/    /'
  fi
  rm -f "$log"
done
echo
echo "report: fuzz/$report"
[ "$total_crashes" -eq 0 ]
