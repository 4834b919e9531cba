#!/usr/bin/env bash
# BENCHMARKS.md section 10, at equal bytes (issue 36): the fit's JPEG, WebP
# and AVIF encoders against cwebp, cjpeg, sharp (libjpeg and mozjpeg),
# ImageMagick and avifenc, each tool's quality searched to the same bytes,
# judged by SSIM; peak memory on the largest photo. One run; the section is
# written from its figures (benches/fit_equal_report.py).
#
# Needs: Debian's plasma-workspace-wallpapers (the corpora), webp,
# libavif-bin, libvips-tools, imagemagick, libjpeg-turbo-progs; Node.js
# (sharp, benches/fit_node); Python with numpy, Pillow, scikit-image.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/benches/out/fit-equal"
rm -rf "$out"; mkdir -p "$out"
w=/usr/share/wallpapers
# The photographs at 2560×1600 (section 10's corpus), and the largest
# photographs the package has (5120×2880 and 3200×2000; this machine's
# Debian has no 20-megapixel photographs in its packages).
for p in BytheWater ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf Grey Kite OneStandsOut Path summer_1am; do
  echo "$w/$p/contents/images/2560x1600.jpg"
done > "$out/corpus-a.txt"
printf '%s\n' "$w/MilkyWay/contents/images/5120x2880.png" "$w/PastelHills/contents/images/3200x2000.jpg" > "$out/corpus-b.txt"
for f in $(cat "$out/corpus-a.txt" "$out/corpus-b.txt"); do
  [ -f "$f" ] || { echo "missing $f: apt-get install plasma-workspace-wallpapers"; exit 1; }
done
cargo build --quiet --release --ignore-rust-version -p webflow-assets --features fit-avif --example fit
(cd benches/fit_node && npm install --silent --no-audit --no-fund >/dev/null)
tools="Versions: $(cwebp -version | head -1 | sed 's/^/cwebp /'), $(cjpeg -version 2>&1 | head -1), avifenc $(avifenc --version | head -1 | awk '{print $2}'), sharp $(node -p 'require("./benches/fit_node/node_modules/sharp/package.json").version'), $(convert-im6.q16 -version | head -1 | awk '{print $2, $3}')."
python3 benches/fit_equal.py "$out" "$root/target/release/examples/fit" "$root/benches/fit_node/encode.mjs" \
  "2560×1600 photos=$out/corpus-a.txt" "larger photos=$out/corpus-b.txt"
python3 benches/fit_equal_report.py "$out" "$tools"
