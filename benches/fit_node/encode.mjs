// sharp's encoders alone (libvips: libwebp, libaom-free AVIF through
// libheif, libjpeg or its mozjpeg settings), on an image already at its
// size, for benches/fit_equal.py: `node encode.mjs IN OUT webp|avif|jpeg
// QUALITY [moz]`. Prints the milliseconds the encode took (the process
// start is not counted).
import sharp from "sharp";

const [input, output, format, quality, moz] = process.argv.slice(2);
sharp.concurrency(1);
const started = performance.now();
let pipeline = sharp(input);
const q = Number(quality);
if (format === "webp") pipeline = pipeline.webp({ quality: q });
else if (format === "avif") pipeline = pipeline.avif({ quality: q, effort: 4 });
else pipeline = pipeline.jpeg({ quality: q, mozjpeg: moz === "moz" });
await pipeline.toFile(output);
console.log((performance.now() - started).toFixed(1));
