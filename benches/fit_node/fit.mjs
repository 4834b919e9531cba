// sharp (libvips) at the benchmark's target: upright, Lanczos3 to the
// longest side, then WebP, AVIF or JPEG at a quality. Prints the
// milliseconds the work took (the process start is not counted).
import sharp from "sharp";

const [input, output, format, quality, side, effort] = process.argv.slice(2);
sharp.concurrency(1);
const started = performance.now();
let pipeline = sharp(input)
  .rotate()
  .resize(Number(side), Number(side), { fit: "inside", kernel: "lanczos3", withoutEnlargement: true });
if (format === "webp") pipeline = pipeline.webp({ quality: Number(quality) });
else if (format === "avif") pipeline = pipeline.avif({ quality: Number(quality), effort: Number(effort ?? 4) });
else pipeline = pipeline.jpeg({ quality: Number(quality) });
await pipeline.toFile(output);
console.log((performance.now() - started).toFixed(1));
