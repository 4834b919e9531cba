"""BENCHMARKS.md section 10: the fit's encoders against cwebp, cjpeg,
sharp (libjpeg and mozjpeg settings), ImageMagick and avifenc at equal
bytes, on photographs: each tool's quality is searched (bisection) to the
largest output at most the anchor's bytes, then judged by SSIM against the
same picture. Every tool encodes the same downscaled picture (vips'
Lanczos3 to the longest side SIDE), one thread each; the time is one encode
at the quality found (sharp's and the fit's own measure, the others' whole
process). Peak memory: each tool fitting the largest photo from its file.

The fit runs as built by default (pure Rust rav1e) and with ravif's `asm`
(FIT_ASM_BIN: rav1e's assembly), for AVIF; its `--quality` is checked
against sharp's at equal quality numbers (the same SSIM is the goal).

Usage: fit_equal.py OUT_DIR FIT_BIN FIT_ASM_BIN SHARP_JS corpus-name=FILE... ; writes
OUT_DIR/rows.json and prints the report's Markdown.
"""
import json, os, re, subprocess, sys, time

import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

OUT, FIT, FIT_ASM, SHARP = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
CORPUS = [a.split("=", 1) for a in sys.argv[5:]]
SIDE = 1920
AVIF_SPEED = 6  # avifenc's (aom's default); the fit runs at its own default
AVIF_PHOTOS = 4  # AVIF encodes take seconds each: the first few photos only
env = dict(os.environ, MAGICK_THREAD_LIMIT="1", OMP_NUM_THREADS="1", VIPS_CONCURRENCY="1", RAYON_NUM_THREADS="1")


def run(cmd):
    started = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd}: {p.stderr[-500:]}")
    return time.perf_counter() - started, p.stdout


def luma(path):
    if path.endswith(".webp"):
        png = path + ".png"
        run(["dwebp", "-quiet", path, "-o", png])
        path = png
    elif path.endswith(".avif"):
        png = path + ".png"
        run(["avifdec", path, png])
        path = png
    return np.asarray(Image.open(path).convert("L"), dtype=np.float64)


def ssim(ref, path):
    return structural_similarity(ref, luma(path), data_range=255, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False)


# Each encoder: (format, tool, quality range, encode(src, out, q) -> seconds).
def fit_enc(fmt, binary=None):
    def enc(src, out, q):
        _, stdout = run([binary or FIT, src, out, "--format", fmt, "--quality", str(q)])
        return json.loads(stdout.strip().splitlines()[-1])["millis"] / 1000
    return enc


def sharp_enc(fmt, moz=False):
    def enc(src, out, q):
        _, stdout = run(["node", SHARP, src, out, fmt, str(q)] + (["moz"] if moz else []))
        return float(stdout.strip()) / 1000
    return enc


def proc(make):
    def enc(src, out, q):
        secs, _ = run(make(src, out, q))
        return secs
    return enc


IM = "convert-im6.q16"
ENCODERS = {
    "jpeg": [
        ("sharp (libjpeg)", (1, 100), sharp_enc("jpeg")),
        ("webflow-assets", (1, 100), fit_enc("jpeg")),
        ("sharp (mozjpeg)", (1, 100), sharp_enc("jpeg", moz=True)),
        # cjpeg reads no PNG: the same picture as PPM.
        ("cjpeg", (1, 100), proc(lambda s, o, q: ["cjpeg", "-quality", str(q), "-optimize", "-outfile", o, s[:-4] + ".ppm"])),
        ("ImageMagick", (1, 100), proc(lambda s, o, q: [IM, s, "-quality", str(q), o])),
    ],
    "webp": [
        ("cwebp", (1, 100), proc(lambda s, o, q: ["cwebp", "-quiet", "-q", str(q), s, "-o", o])),
        ("webflow-assets", (1, 100), fit_enc("webp")),
        ("sharp", (1, 100), sharp_enc("webp")),
        ("ImageMagick", (1, 100), proc(lambda s, o, q: [IM, s, "-quality", str(q), o])),
    ],
    "avif": [
        # avifenc 0.11 takes a quantizer (0-63, lower is better): searched
        # as the quality 63 - quantizer.
        ("avifenc", (0, 63), proc(lambda s, o, q: ["avifenc", "-j", "1", "-s", str(AVIF_SPEED), "--min", str(63 - q),
                                                   "--max", str(63 - q), s, o])),
        ("webflow-assets", (1, 100), fit_enc("avif")),
        ("webflow-assets (rav1e asm)", (1, 100), fit_enc("avif", FIT_ASM)),
        ("sharp", (1, 100), sharp_enc("avif")),
    ],
}
# The anchor of each format (its bytes are the target): the first tool at
# this quality.
ANCHOR_Q = {"jpeg": 80, "webp": 80, "avif": 33}  # avifenc quantizer 30


def largest_within(enc, src, out, lo, hi, target):
    """The highest quality whose output is at most `target` bytes, by
    bisection (sizes grow with quality), and the encodes it took."""
    best, tries = None, 0
    while lo <= hi:
        q = (lo + hi) // 2
        enc(src, out, q)
        tries += 1
        if os.path.getsize(out) <= target:
            best, lo = q, q + 1
        else:
            hi = q - 1
    return best, tries


def photo_name(path):
    """plasma's …/<Name>/contents/images/<size>.jpg, lomiri's <Name>_by_<author>.jpg."""
    if "/contents/images/" in path:
        return path.split("/contents/images/")[0].rsplit("/", 1)[-1]
    return os.path.splitext(os.path.basename(path))[0].split("_by_")[0]


rows = []
os.makedirs(f"{OUT}/enc", exist_ok=True)
for corpus, listing in CORPUS:
    files = [l for l in open(listing).read().split() if l]
    for i, photo in enumerate(files):
        name = photo_name(photo)
        slug = re.sub("[^A-Za-z0-9]+", "-", f"{corpus}-{name}")
        ref = f"{OUT}/{slug}.png"
        run(["vipsthumbnail", photo, "-s", str(SIDE), "-o", ref])
        run(["vips", "copy", ref, ref[:-4] + ".ppm"])
        ref_luma = luma(ref)
        for fmt, encoders in ENCODERS.items():
            if fmt == "avif" and i >= AVIF_PHOTOS:
                continue
            ext = "jpg" if fmt == "jpeg" else fmt
            anchor_tool, _, anchor_enc = encoders[0]
            anchor_out = f"{OUT}/enc/{slug}.anchor.{ext}"
            anchor_enc(ref, anchor_out, ANCHOR_Q[fmt])
            target = os.path.getsize(anchor_out)
            for tool, (lo, hi), enc in encoders:
                out = f"{OUT}/enc/{slug}.{re.sub('[^a-z]', '', tool.lower())}.{ext}"
                q, tries = largest_within(enc, ref, out, lo, hi, target)
                if q is None:
                    rows.append(dict(corpus=corpus, photo=name, format=fmt, tool=tool, quality=None))
                    continue
                secs = enc(ref, out, q)
                rows.append(dict(corpus=corpus, photo=name, format=fmt, tool=tool, quality=q, target=target,
                                 bytes=os.path.getsize(out), ssim=ssim(ref_luma, out), seconds=secs, tries=tries))
                print(json.dumps(rows[-1]), file=sys.stderr)

# `--quality` for AVIF against sharp's at the same number (issue 36: the
# same quality means the same to every tool): SSIM of each at 50, 70, 90.
same_q = []
for corpus, listing in CORPUS:
    files = [l for l in open(listing).read().split() if l][:AVIF_PHOTOS]
    for photo in files:
        name = photo_name(photo)
        ref = f"{OUT}/{re.sub('[^A-Za-z0-9]+', '-', f'{corpus}-{name}')}.png"
        ref_luma = luma(ref)
        for q in (50, 70, 90):
            row = dict(corpus=corpus, photo=name, quality=q)
            for tool, enc in (("webflow-assets", fit_enc("avif", FIT_ASM)), ("sharp", sharp_enc("avif"))):
                out = f"{OUT}/enc/sameq-{tool}-{q}.avif"
                enc(ref, out, q)
                row[tool] = dict(ssim=ssim(ref_luma, out), bytes=os.path.getsize(out))
            same_q.append(row)
            print(json.dumps(row), file=sys.stderr)

# Peak memory: each tool fitting the largest photo (WebP q80, longest side
# SIDE) from its file, as the fit does in an upload.
all_files = [l for _, listing in CORPUS for l in open(listing).read().split() if l]
largest = max(all_files, key=lambda f: Image.open(f).size[0] * Image.open(f).size[1])
memory = []
for tool, cmd in [
    ("webflow-assets", [FIT, largest, f"{OUT}/m.webp", "--format", "webp", "--quality", "80", "--max-dimension", str(SIDE)]),
    ("cwebp", ["cwebp", "-quiet", "-q", "80", "-resize", str(SIDE), "0", largest, "-o", f"{OUT}/m.webp"]),
    ("ImageMagick", [IM, largest, "-filter", "Lanczos", "-resize", f"{SIDE}x{SIDE}", "-quality", "80", f"{OUT}/m.webp"]),
]:
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True, text=True, env=env)
    secs, kb = p.stderr.strip().splitlines()[-1].split()
    memory.append(dict(tool=tool, seconds=float(secs), rss_kb=int(kb)))
w, h = Image.open(largest).size
json.dump(dict(rows=rows, same_q=same_q, memory=memory, largest=photo_name(largest), largest_pixels=w * h), open(f"{OUT}/rows.json", "w"))
