"""Adds the image features' build cost to BENCHMARKS.md section 10, from
the cargo timing report of one build (`--timings`, e.g. CI's test build
under `TIMINGS=--timings bash .ci/run`).

Usage: build_cost.py TARGET/cargo-timings/cargo-timing-*.html WHAT
Each figure is a unit's compile time in that build (cargo's own report);
units run two at a time on two cores, so the sums are CPU time, not wall.
"""
import json
import os
import re
import sys

report, what = sys.argv[1], sys.argv[2]
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", open(report).read(), re.S).group(1))
# The crates each feature brings (cargo tree -e normal -p webflow-assets
# --features fit / fit-avif, minus the default build's).
FIT = ["image", "zune-jpeg", "zune-core", "png", "fdeflate", "miniz_oxide", "crc32fast", "simd-adler32",
       "image-webp", "gif", "color_quant", "weezl", "fast_image_resize", "libwebp-sys", "webp", "moxcms", "pxfm",
       "byteorder-lite", "bytemuck", "num-traits", "quick-error", "flate2", "document-features"]
AVIF = ["rav1e", "ravif", "av1-grain", "avif-serialize", "rgb", "imgref", "loop9", "nom", "arrayvec", "bitstream-io",
        "itertools", "v_frame", "aligned-vec", "aligned", "av-scenechange", "y4m", "num-rational", "num-bigint",
        "num-integer", "num-derive", "simd_helpers", "noop_proc_macro", "new_debug_unreachable", "profiling",
        "maybe-rayon", "rayon", "rayon-core", "crossbeam-deque", "crossbeam-epoch", "crossbeam-utils", "equator",
        "equator-macro", "as-slice", "paste", "built", "anyhow", "thiserror", "arg_enum_proc_macro", "interpolate_name",
        "either"]
total = sum(u["duration"] for u in units)


def group(names):
    picked = [u for u in units if u["name"] in names]
    return picked, sum(u["duration"] for u in picked)


lines = ["### Build cost of the image features", "",
         f"From cargo's timing report of {what} ({os.path.basename(report)}): {len(units)} units, "
         f"{total:.0f} s of compile time in all. Crates shared with other features (num-traits, thiserror, either...) "
         "are counted where listed even when the default build has them too.", "",
         "| feature | crates' units | compile s | share of the build | largest units |", "|---|---:|---:|---:|---|"]
for name, names in [("`fit`", FIT), ("`fit-avif` (beyond `fit`)", AVIF)]:
    picked, secs = group(names)
    top = sorted(picked, key=lambda u: -u["duration"])[:5]
    tops = ", ".join(f"{u['name']} {u['duration']:.0f} s" for u in top)
    lines.append(f"| {name} | {len(picked)} | {secs:.0f} | {secs / total:.0%} | {tops} |")
lines.append("")
section = "\n".join(lines)
text = open("BENCHMARKS.md").read()
match = re.search(r"^### Build cost of the image features\n.*?(?=^#{2,3} |\Z)", text, flags=re.S | re.M)
if match:
    text = text[: match.start()] + section + "\n" + text[match.end():]
else:
    text = text.rstrip("\n") + "\n\n" + section
open("BENCHMARKS.md", "w").write(text)
print(section)
