"""SSIM of each encoded image against the original, for benches/fit.sh.

Usage: fit_quality.py ORIGINAL DECODED.png
Prints the SSIM (luma, scikit-image's structural_similarity with the
Gaussian weights of Wang et al. 2004) of DECODED against ORIGINAL resized to
DECODED's size with Lanczos (Pillow): the reference is the original at the
output's dimensions, so that every tool is judged against the same picture.
"""
import sys

import numpy as np
from PIL import Image, ImageOps
from skimage.metrics import structural_similarity


def luma(image):
    return np.asarray(image.convert("L"), dtype=np.float64)


original = ImageOps.exif_transpose(Image.open(sys.argv[1]))
decoded = Image.open(sys.argv[2])
reference = original.convert("RGB").resize(decoded.size, Image.LANCZOS)
score = structural_similarity(
    luma(reference), luma(decoded), data_range=255, gaussian_weights=True, sigma=1.5,
    use_sample_covariance=False,
)
print(f"{score:.5f}")
