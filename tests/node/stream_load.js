// Streaming load generator for the service benchmark (tests/bench/service.py).
// Usage: node stream_load.js HOST:PORT SECONDS STREAMS NAMES_FILE
// STREAMS concurrent NormalizeStream calls, each on its own channel with WINDOW requests
// in flight, for SECONDS. Prints one JSON line: answers, failed streams, the span from
// the first send to the last answer, and per-message latency percentiles (ms).
const fs = require("fs");
const path = require("path");
const grpc = require("@grpc/grpc-js");
const loader = require("@grpc/proto-loader");

const WINDOW = 64;
const protoDir = path.resolve(__dirname, "..", "..", "proto");
const def = loader.loadSync("placenorm/v1/placenorm.proto", {
  includeDirs: [protoDir], keepCase: true, longs: String, enums: String, defaults: false,
});
const pkg = grpc.loadPackageDefinition(def).placenorm.v1;
const [address, secondsArg, streamsArg, namesFile] = process.argv.slice(2);
const names = fs.readFileSync(namesFile, "utf8").split("\n").filter((s) => s);
const latencies = [];
let failed = 0;
const start = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - start) / 1e6; // ms since start
const stopAt = Number(secondsArg) * 1000;

function oneStream(seed) {
  return new Promise((resolve) => {
    // A channel per stream: SO_REUSEPORT spreads connections over server processes.
    const client = new pkg.Normalizer(address, grpc.credentials.createInsecure(), {
      "grpc.use_local_subchannel_pool": 1,
    });
    const call = client.NormalizeStream({ deadline: Date.now() + stopAt + 60000 });
    const sent = [];
    let head = 0;
    let ended = false;
    let x = seed * 7919;
    const pump = () => {
      while (!ended && sent.length - head < WINDOW) {
        if (now() >= stopAt) {
          ended = true;
          call.end();
          return;
        }
        x = (x * 1103515245 + 12345) % 2147483648;
        sent.push(now());
        call.write({ query: names[x % names.length] });
      }
    };
    call.on("data", () => {
      latencies.push(now() - sent[head]);
      head += 1;
      pump();
    });
    call.on("error", () => {
      failed += 1;
    });
    call.on("close", () => {
      client.close();
      resolve();
    });
    pump();
  });
}

const streams = Number(streamsArg);
Promise.all(Array.from({ length: streams }, (_, k) => oneStream(k + 1))).then(() => {
  const span = now() / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const pct = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
  console.log(JSON.stringify({ answers: latencies.length, failed, seconds: span, p50: pct(0.5), p99: pct(0.99) }));
});
