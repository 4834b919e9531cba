// Create Asset Metadata calls through the official Node SDK (webflow-api),
// for benches/compare.sh. Usage: node create_calls.mjs BASE_URL TOKEN SITE COUNT CONCURRENCY
import { WebflowClient } from "webflow-api";

const [baseUrl, accessToken, siteId, countArg, concurrencyArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const client = new WebflowClient({ accessToken, baseUrl, maxRetries: 0 });
const request = { fileName: "file.png", fileHash: "3c7d87c9575702bc3b1e991f4d3c638e" };

// Warm up the connection and the code paths.
for (let i = 0; i < 20; i++) await client.assets.create(siteId, request);

let next = 0;
let failures = 0;
const started = process.hrtime.bigint();
async function worker() {
  while (next < count) {
    next++;
    try {
      const asset = await client.assets.create(siteId, request);
      if (!asset.uploadUrl) failures++;
    } catch (e) {
      failures++;
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ calls: count, failures, seconds, rate: count / seconds }));
