"""Writes BENCHMARKS.md section 10 from one run of benches/fit.sh.

Usage: fit_report.py OUT_DIR SETTINGS PHOTOS
Every figure comes from OUT_DIR (rows.tsv, memory.tsv, sync.tsv) of that run.
"""
import csv
import datetime
import os
import re
import statistics
import subprocess
import sys

out, settings, photos = sys.argv[1], sys.argv[2], sys.argv[3].split()


def read(name):
    with open(os.path.join(out, name)) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def version(cmd):
    try:
        text = subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip()
        return text.splitlines()[0] if text else "?"
    except OSError:
        return "?"


rows = read("rows.tsv")
memory = read("memory.tsv")
syncs = {r["run"]: r for r in read("sync.tsv")}
tools = ["webflow-assets", "cwebp", "avifenc", "sharp", "imagemagick"]
lines = []
add = lines.append
add("## 10. Images that fit: the fit against cwebp, avifenc, sharp and ImageMagick")
add("")
ran = datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(out, "sync.tsv")), datetime.timezone.utc)
add(f"Written by `benches/fit.sh` (run finished {ran:%Y-%m-%d %H:%M} UTC, "
    f"{os.cpu_count()} cores, one run; every figure below is from it).")
add("")
add(f"**Corpus**: the {len(photos)} photographs of Debian's `plasma-workspace-wallpapers` "
    f"({', '.join(photos)}; its renders and illustrations left out), each `contents/images/2560x1600.jpg`: "
    "2560×1600 JPEGs of 0.2 to 0.9 MB.")
add("")
add(f"**Target** (`{settings}`): upright, downscaled with Lanczos to a longest side of SIDE, then WebP at quality "
    "WEBP_Q, AVIF at quality AVIF_Q (avifenc 0.11 takes a quantizer: AVIF_QUANT of 63, the mapping ravif uses) "
    "and speed AVIF_SPEED (sharp: effort 4), JPEG at JPEG_Q. One thread each (`--quality` fixes the fit's quality: no "
    "search). Time is each whole command's wall time (Node.js' start, about 0.05 s, is in sharp's). avifenc cannot "
    "resize: it encodes vips' Lanczos3 downscale, made untimed beforehand; cwebp resizes with its own rescaler. "
    "Quality: SSIM of the output's luma against the original downscaled to the output's size with Lanczos (Pillow; "
    "`benches/fit_quality.py`, scikit-image), 1.0 being identical.")
add("")
add("Versions: " + "; ".join([
    version("rustc --version"),
    "cwebp " + version("cwebp -version"),
    "avifenc " + version("avifenc --version 2>&1 | head -1").removeprefix("Version: "),
    "sharp " + version("cd benches/fit_node && node -p \"require('sharp/package.json').version\""),
    version("convert-im6.q16 -version | head -1").removeprefix("Version: "),
]))
add("")
for fmt in ["webp", "avif", "jpeg"]:
    mine = [r for r in rows if r["format"] == fmt]
    base = [r for r in mine if r["tool"] == "webflow-assets"]
    if not base:
        continue
    b_time = statistics.median(float(r["seconds"]) for r in base)
    b_bytes = sum(int(r["bytes"]) for r in base)
    b_ssim = statistics.mean(float(r["ssim"]) for r in base)
    add(f"### {fmt.upper()}")
    add("")
    add("| tool | median s per image | × webflow-assets | total bytes | × webflow-assets | mean SSIM | lowest SSIM |")
    add("|---|---:|---:|---:|---:|---:|---:|")
    for tool in tools:
        t = [r for r in mine if r["tool"] == tool]
        if not t:
            continue
        med = statistics.median(float(r["seconds"]) for r in t)
        total = sum(int(r["bytes"]) for r in t)
        ssims = [float(r["ssim"]) for r in t]
        add(f"| {tool} | {med:.2f} | {med / b_time:.2f} | {total:,} | {total / b_bytes:.2f} | "
            f"{statistics.mean(ssims):.4f} | {min(ssims):.4f} |")
    add("")
add("### Peak memory (whole process, WebP at the same target)")
add("")
add("| image | pixels | tool | seconds | peak RSS |")
add("|---|---:|---|---:|---:|")
for r in memory:
    add(f"| {r['image']} | {int(r['pixels']):,} | {r['tool']} | {float(r['seconds']):.2f} | "
        f"{int(r['rss_kb']) / 1024:.1f} MiB |")
add("")
plain, fit = syncs["plain"], syncs["fit"]
add("### `sync` of 50 photos, plain and with `--fit --format webp --max-dimension SIDE`")
add("")
add("The corpus re-encoded as 50 JPEGs at quality 95 (each under Webflow's limit, so the plain sync takes them too), "
    "into a fresh sandbox each time (`webflow-assets sandbox`, release build, loopback), `--concurrency` 4.")
add("")
add("| run | wall s | CPU s | peak RSS | bytes uploaded |")
add("|---|---:|---:|---:|---:|")
for name, r in [("plain", plain), ("--fit --format webp", fit)]:
    add(f"| {name} | {float(r['seconds']):.2f} | {float(r['cpu_seconds']):.2f} | {int(r['rss_kb']) / 1024:.1f} MiB | "
        f"{int(r['uploaded_bytes']):,} |")
add("")
add(f"With the fit: {float(fit['seconds']) / float(plain['seconds']):.2f}× the wall time, "
    f"{float(fit['cpu_seconds']) / float(plain['cpu_seconds']):.2f}× the CPU time, "
    f"{int(fit['uploaded_bytes']) / int(plain['uploaded_bytes']):.2f}× the bytes sent.")
add("")

path = "BENCHMARKS.md"
text = open(path).read()
section = "\n".join(lines)
match = re.search(r"^## 10\. .*?(?=^## \d+\. |\Z)", text, flags=re.S | re.M)
if match:
    text = text[: match.start()] + section + "\n" + text[match.end():]
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
print(section)
