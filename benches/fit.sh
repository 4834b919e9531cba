#!/usr/bin/env bash
# BENCHMARKS.md section 10: the fit (webflow_assets::fit, through the `fit`
# example) against cwebp, avifenc, sharp and ImageMagick on real
# photographs, at one target (upright, longest side SIDE, the same quality
# setting), single-threaded each; then peak memory on the largest image, and
# `sync --fit` of 50 photos against the same sync without it. One run; the
# report is written from its figures (benches/fit_report.py).
#
# Needs: Debian's plasma-workspace-wallpapers (the corpus), webp (cwebp,
# dwebp), libavif-bin (avifenc, avifdec), libvips-tools, imagemagick;
# Node.js (sharp from npm, benches/fit_node); Python with numpy, Pillow and
# scikit-image (the SSIM).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/benches/out/fit"
rm -rf "$out"
mkdir -p "$out/enc" "$out/ref"
SIDE=1920 WEBP_Q=80 AVIF_Q=60 JPEG_Q=80 AVIF_SPEED=6
# avifenc 0.11 takes a quantizer (0-63), not a quality: the same mapping
# ravif uses (quantizer = (100 - quality) / 100 of the range).
AVIF_QUANT=$(( (100 - AVIF_Q) * 63 / 100 ))
export MAGICK_THREAD_LIMIT=1 OMP_NUM_THREADS=1 VIPS_CONCURRENCY=1

# The photographs of the package (its renders and illustrations left out).
photos=(BytheWater ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf Grey Kite OneStandsOut Path summer_1am)
corpus=()
for p in "${photos[@]}"; do
  corpus+=("/usr/share/wallpapers/$p/contents/images/2560x1600.jpg")
done
for f in "${corpus[@]}"; do
  [ -f "$f" ] || { echo "missing $f: apt-get install plasma-workspace-wallpapers"; exit 1; }
done

cargo build --quiet --release --ignore-rust-version -p webflow-assets --features fit-avif --example fit
cargo build --quiet --release --ignore-rust-version -p webflow-assets-cli
fit="$root/target/release/examples/fit"
cli="$root/target/release/webflow-assets"
(cd benches/fit_node && npm install --silent --no-audit --no-fund >/dev/null)
sharp_js="$root/benches/fit_node/fit.mjs"
IM=$(command -v convert-im6.q16 || command -v convert)

rows="$out/rows.tsv"
printf 'image\tformat\ttool\tseconds\tbytes\tssim\trss_kb\n' >"$rows"
# Runs one command under /usr/bin/time: wall seconds and peak RSS.
timed() {
  /usr/bin/time -f '%e %M' -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || {
    cat "$out/stderr.txt"; return 1; }
  cat "$out/time.txt"
}
decode_png() { # encoded → PNG, for the SSIM
  case "$1" in
    *.webp) dwebp -quiet "$1" -o "$2" ;;
    *.avif) avifdec "$1" "$2" >/dev/null ;;
    *) vips copy "$1" "$2" ;;
  esac
}
record() { # image format tool encoded "seconds rss"
  local png="$out/enc/$(basename "$4").png"
  decode_png "$4" "$png"
  local ssim
  ssim=$(python3 benches/fit_quality.py "$src" "$png")
  read -r secs rss <<<"$5"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$secs" "$(stat -c %s "$4")" "$ssim" "$rss" >>"$rows"
}

for src in "${corpus[@]}"; do
  name=$(basename "$(dirname "$(dirname "$(dirname "$src")")")")
  e="$out/enc/$name"
  # avifenc cannot resize: its input is vips' Lanczos3 downscale (not timed).
  vipsthumbnail "$src" -s "$SIDE" -o "$out/ref/$name.png" 2>/dev/null
  for format in webp avif jpeg; do
    case $format in webp) q=$WEBP_Q ;; avif) q=$AVIF_Q ;; jpeg) q=$JPEG_Q ;; esac
    ext=$format; [ $format = jpeg ] && ext=jpg
    r=$(timed "$fit" "$src" "$e.fit.$ext" --format $format --quality $q --max-dimension $SIDE --avif-speed $AVIF_SPEED)
    record "$name" $format webflow-assets "$e.fit.$ext" "$r"
    r=$(timed node "$sharp_js" "$src" "$e.sharp.$ext" $format $q $SIDE 4)
    record "$name" $format sharp "$e.sharp.$ext" "$r"
    r=$(timed "$IM" "$src" -auto-orient -filter Lanczos -resize "${SIDE}x${SIDE}" -quality $q "$e.im.$ext")
    record "$name" $format imagemagick "$e.im.$ext" "$r"
    case $format in
      webp)
        r=$(timed cwebp -quiet -q $q -resize $SIDE 0 "$src" -o "$e.cwebp.webp")
        record "$name" webp cwebp "$e.cwebp.webp" "$r" ;;
      avif)
        r=$(timed avifenc -j 1 -s $AVIF_SPEED --min $AVIF_QUANT --max $AVIF_QUANT "$out/ref/$name.png" "$e.avifenc.avif")
        record "$name" avif avifenc "$e.avifenc.avif" "$r" ;;
    esac
  done
done

# Peak memory on the largest image of the corpus, and on a 16.8-megapixel
# one (gnome-backgrounds, when installed), WebP at the same target.
largest=$(ls -S "${corpus[@]}" | head -1)
mem="$out/memory.tsv"
printf 'image\tpixels\ttool\tseconds\trss_kb\n' >"$mem"
for big in "$largest" /usr/share/backgrounds/gnome/pixels-l.webp; do
  [ -f "$big" ] || continue
  px=$(( $(vipsheader -f width "$big") * $(vipsheader -f height "$big") ))
  for tool in webflow-assets sharp imagemagick cwebp; do
    case $tool in
      webflow-assets) r=$(timed "$fit" "$big" "$out/m.webp" --format webp --quality $WEBP_Q --max-dimension $SIDE) ;;
      sharp) r=$(timed node "$sharp_js" "$big" "$out/m.webp" webp $WEBP_Q $SIDE) ;;
      imagemagick) r=$(timed "$IM" "$big" -auto-orient -filter Lanczos -resize "${SIDE}x${SIDE}" -quality $WEBP_Q "$out/m.webp") ;;
      cwebp) r=$(timed cwebp -quiet -q $WEBP_Q -resize $SIDE 0 "$big" -o "$out/m.webp") ;;
    esac
    read -r secs rss <<<"$r"
    printf '%s\t%s\t%s\t%s\t%s\n' "$(basename "$big")" "$px" "$tool" "$secs" "$rss" >>"$mem"
  done
done

# sync of 50 photos (the corpus re-encoded at JPEG quality 95, each file
# under Webflow's limit so that the plain sync takes them too), on the
# sandbox, plain and with --fit --format webp --max-dimension SIDE.
tree="$out/sync/photos"
mkdir -p "$tree"
for i in $(seq 0 49); do
  vips copy "${corpus[$((i % ${#corpus[@]}))]}" "$tree/photo-$(printf %02d "$i").jpg[Q=95]"
done
syncs="$out/sync.tsv"
printf 'run\tseconds\tcpu_seconds\trss_kb\tuploaded_bytes\n' >"$syncs"
for run in plain fit; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$cli" sandbox --port "$port" >"$out/sandbox.log" 2>&1 &
  sandbox=$!
  for _ in $(seq 100); do grep -q "base URL" "$out/sandbox.log" && break; sleep 0.1; done
  rm -f "$tree"/.webflow-sync-*.jsonl
  extra=()
  [ $run = fit ] && extra=(--fit --format webp --max-dimension "$SIDE")
  WEBFLOW_TOKEN=sandbox-token WEBFLOW_SITE_ID=580e63e98c9a982ac9b8b741 WEBFLOW_BASE_URL="http://127.0.0.1:$port/v2" \
    /usr/bin/time -f '%e %U %S %M' -o "$out/time.txt" "$cli" sync "$tree" --json --no-published "${extra[@]}" >"$out/sync-$run.jsonl"
  read -r secs user sys rss <"$out/time.txt"
  bytes=$(python3 -c '
import json, os, sys
total = 0
for line in open(sys.argv[1]):
    v = json.loads(line)
    if v.get("action") == "upload" and v.get("status") == "done":
        total += v["fit"]["bytes"] if v.get("fit") else os.path.getsize(os.path.join(sys.argv[2], v["path"]))
print(total)' "$out/sync-$run.jsonl" "$tree")
  uploads=$(grep -c '"action":"upload".*"status":"done"' "$out/sync-$run.jsonl" || true)
  [ "$uploads" = 50 ] || { echo "the $run sync uploaded $uploads of 50"; kill $sandbox; exit 1; }
  printf '%s\t%s\t%s\t%s\t%s\n' $run "$secs" "$(echo "$user + $sys" | bc)" "$rss" "$bytes" >>"$syncs"
  kill $sandbox; wait $sandbox 2>/dev/null || true
done

python3 benches/fit_report.py "$out" "SIDE=$SIDE WEBP_Q=$WEBP_Q AVIF_Q=$AVIF_Q AVIF_QUANT=$AVIF_QUANT JPEG_Q=$JPEG_Q AVIF_SPEED=$AVIF_SPEED" "${photos[*]}"
