"""Writes BENCHMARKS.md section 10's equal-bytes part from benches/fit_equal.py's
rows.json (every figure from that one run)."""
import datetime, json, re, statistics, sys

out, tools_line = sys.argv[1], sys.argv[2]
data = json.load(open(f"{out}/rows.json"))
rows = [r for r in data["rows"] if r.get("quality") is not None]
missed = [r for r in data["rows"] if r.get("quality") is None]
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
mean = lambda xs: statistics.fmean(xs) if xs else float("nan")

lines = [
    "<!-- fit-equal:begin (written by benches/fit_equal.sh; do not edit by hand) -->",
    "Written by `benches/fit_equal.sh` from one run; every figure below is from it. Corpora: the 11 photographs of "
    "Debian's `plasma-workspace-wallpapers` at 2560×1600, and the photographs of 20 megapixels and more in Debian's "
    "packages (`lomiri-wallpapers`: Kleiber, 6028×3391, and Painting-Colors, 6000×4000).",
    "",
    "### At equal bytes (issue 36)",
    "",
    f"Run {date} on {cpu}. Each photo is first downscaled by vips (Lanczos3, longest side 1920) and every tool encodes "
    "that same picture, one thread each. For each photo and format the anchor (the first tool of the table, at a fixed "
    "quality) sets the byte target; every tool's quality is then searched by bisection to its largest output at most "
    "that many bytes, and judged by SSIM (luma, Gaussian weights) against the picture. Time: one encode at the quality "
    f"found (sharp's and the fit's own measure; the others' whole process). The machine also compiled on its other "
    f"core during the run (cargo -j1): the times are one run's, not a quiet machine's. {tools_line}",
    "",
]
for corpus in dict.fromkeys(r["corpus"] for r in rows):
    for fmt in ["jpeg", "webp", "avif"]:
        sel = [r for r in rows if r["corpus"] == corpus and r["format"] == fmt]
        if not sel:
            continue
        photos = sorted({r["photo"] for r in sel})
        lines += [f"**{corpus}, {fmt.upper()}** ({len(photos)} photos: {', '.join(photos)})", "",
                  "| tool | mean bytes / target | mean SSIM | mean quality found | mean encode ms |",
                  "|---|---:|---:|---:|---:|"]
        for tool in dict.fromkeys(r["tool"] for r in sel):
            t = [r for r in sel if r["tool"] == tool]
            lines.append(f"| {tool} | {mean([r['bytes'] / r['target'] for r in t]):.3f} | {mean([r['ssim'] for r in t]):.4f} | "
                         f"{mean([r['quality'] for r in t]):.1f} | {mean([r['seconds'] * 1000 for r in t]):.0f} |")
        lines.append("")


def pair(fmt, ours, theirs):
    a = {(r["corpus"], r["photo"]): r for r in rows if r["format"] == fmt and r["tool"] == ours}
    b = {(r["corpus"], r["photo"]): r for r in rows if r["format"] == fmt and r["tool"] == theirs}
    keys = sorted(set(a) & set(b))
    return [(a[k], b[k]) for k in keys]


verdict = lambda ok: "met" if ok else "not met"
jp = pair("jpeg", "webflow-assets", "sharp (libjpeg)")
jpeg_better = sum(1 for a, b in jp if a["ssim"] >= b["ssim"])
av = pair("avif", "webflow-assets", "avifenc")
avif_time = mean([a["seconds"] / b["seconds"] for a, b in av])
avif_ssim = mean([a["ssim"] - b["ssim"] for a, b in av])
avx = pair("avif", "webflow-assets (rav1e asm)", "avifenc")
asm_time = mean([a["seconds"] / b["seconds"] for a, b in avx])
asm_ssim = mean([a["ssim"] - b["ssim"] for a, b in avx])
wp = pair("webp", "webflow-assets", "cwebp")
webp_ssim = mean([a["ssim"] - b["ssim"] for a, b in wp])
lines += [
    "| goal (issue 36) | figure of this run | verdict |",
    "|---|---|---|",
    f"| JPEG at most 1.0× sharp-libjpeg's bytes at equal SSIM (here: at most its bytes, SSIM at least its) | "
    f"SSIM at least sharp-libjpeg's on {jpeg_better} of {len(jp)} photos; mean SSIM difference "
    f"{mean([a['ssim'] - b['ssim'] for a, b in jp]):+.4f} | {verdict(jp and jpeg_better == len(jp))} |",
    f"| AVIF within 1.5× avifenc's time at equal bytes and SSIM | {avif_time:.2f}× avifenc's time; mean SSIM difference "
    f"{avif_ssim:+.4f} | {verdict(av and avif_time <= 1.5 and avif_ssim >= -0.002)} |",
    f"| the same, built with rav1e's assembly (the CLI's `avif-asm`) | {asm_time:.2f}× avifenc's time; mean SSIM difference "
    f"{asm_ssim:+.4f} | {verdict(avx and asm_time <= 1.5 and asm_ssim >= -0.002)} |",
    f"| WebP unchanged or better (against cwebp, the same libwebp) | mean SSIM difference {webp_ssim:+.4f} at equal bytes | "
    f"{verdict(wp and webp_ssim >= -0.002)} |",
    "",
]
if missed:
    lines += [f"No quality of {r['tool']} reached {r['format']}'s target on {r['photo']}." for r in missed] + [""]
sq = data.get("same_q", [])
if sq:
    lines += ["**AVIF `--quality` against sharp's at the same number** (the fit built with rav1e's assembly; "
              "its quality is mapped onto rav1e's so that a number means what it means to sharp):", "",
              "| quality | photos | fit's mean SSIM | sharp's mean SSIM | fit's bytes / sharp's |", "|---:|---:|---:|---:|---:|"]
    for q in sorted({r["quality"] for r in sq}):
        t = [r for r in sq if r["quality"] == q]
        lines.append(f"| {q} | {len(t)} | {mean([r['webflow-assets']['ssim'] for r in t]):.4f} | "
                     f"{mean([r['sharp']['ssim'] for r in t]):.4f} | "
                     f"{mean([r['webflow-assets']['bytes'] / r['sharp']['bytes'] for r in t]):.2f} |")
    lines.append("")
m = data["memory"]
lines += [f"Peak memory fitting the largest photo of the run ({data['largest']}, "
          f"{data['largest_pixels'] / 1e6:.1f} MP) to WebP q80, longest side 1920: "
          + ", ".join(f"{x['tool']} {x['rss_kb'] / 1024:.0f} MiB in {x['seconds']:.2f} s" for x in m) + ".",
          "<!-- fit-equal:end -->"]
section = "\n".join(lines)
text = open("BENCHMARKS.md").read()
pattern = re.compile(r"<!-- fit-equal:begin.*?<!-- fit-equal:end -->", re.S)
if pattern.search(text):
    text = pattern.sub(lambda _: section, text)
else:
    # Under section 10's heading, before its first sub-heading.
    at = text.index("### WEBP")
    text = text[:at] + section + "\n\n" + text[at:]
open("BENCHMARKS.md", "w").write(text)
print(section)
