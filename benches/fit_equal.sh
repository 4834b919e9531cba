#!/usr/bin/env bash
# BENCHMARKS.md section 10, at equal bytes (issue 36): the fit's JPEG, WebP
# and AVIF encoders against cwebp, cjpeg, sharp (libjpeg and mozjpeg),
# ImageMagick and avifenc, each tool's quality searched to the same bytes,
# judged by SSIM; peak memory on the largest photo. One run; the section is
# written from its figures (benches/fit_equal_report.py).
#
# Needs: Debian's plasma-workspace-wallpapers and lomiri-wallpapers (the
# corpora), nasm (the build with rav1e's assembly), webp,
# libavif-bin, libvips-tools, imagemagick, libjpeg-turbo-progs; Node.js
# (sharp, benches/fit_node); Python with numpy, Pillow, scikit-image.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/benches/out/fit-equal"
rm -rf "$out"; mkdir -p "$out"
w=/usr/share/wallpapers
# The photographs at 2560×1600 (section 10's corpus), and the photographs
# of 20 megapixels and more in Debian's packages (lomiri-wallpapers:
# 6028×3391 and 6000×4000).
for p in BytheWater ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf Grey Kite OneStandsOut Path summer_1am; do
  echo "$w/$p/contents/images/2560x1600.jpg"
done > "$out/corpus-a.txt"
printf '%s\n' /usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg /usr/share/backgrounds/Painting-Colors_by__herobrine7gamer.jpg > "$out/corpus-b.txt"
for f in $(cat "$out/corpus-a.txt" "$out/corpus-b.txt"); do
  [ -f "$f" ] || { echo "missing $f: apt-get install plasma-workspace-wallpapers lomiri-wallpapers"; exit 1; }
done
cargo build --quiet --release --ignore-rust-version -p webflow-assets --features fit-avif --example fit
# The same with rav1e's assembly (ravif's `asm`, nasm; the CLI's `avif-asm`), apart.
CARGO_TARGET_DIR="$root/target/asm" cargo build --quiet --release --ignore-rust-version -p webflow-assets --features fit-avif,ravif/asm --example fit
(cd benches/fit_node && npm install --silent --no-audit --no-fund >/dev/null)
tools="Versions: $(cwebp -version | head -1 | sed 's/^/cwebp /'), $(cjpeg -version 2>&1 | head -1), avifenc $(avifenc --version | head -1 | awk '{print $2}'), sharp $(node -p 'require("./benches/fit_node/node_modules/sharp/package.json").version'), $(convert-im6.q16 -version | head -1 | awk '{print $2, $3}')."
python3 benches/fit_equal.py "$out" "$root/target/release/examples/fit" "$root/target/asm/release/examples/fit" "$root/benches/fit_node/encode.mjs" \
  "2560×1600 photos=$out/corpus-a.txt" "20 MP and larger photos=$out/corpus-b.txt"
python3 benches/fit_equal_report.py "$out" "$tools"
