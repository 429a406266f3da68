// Streaming load generator for the service benchmark (tests/bench/service.py).
// Usage: node stream_load.js HOST:PORT SECONDS STREAMS NAMES_FILE [decoded|encoded]
// STREAMS concurrent NormalizeStream calls, each on its own channel with WINDOW requests
// in flight, for SECONDS. Prints one JSON line: answers, failed streams, the span from
// the first send to the last answer, and per-message latency percentiles (ms).
// decoded (default): every request is encoded and every answer decoded, as an
// application would. encoded: a load generator's way (like ghz or h2load): requests are
// encoded once up front and answers are counted as they arrive, one in 256 decoded and
// checked, so that less of the cores the server shares goes to the client.
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
const [address, secondsArg, streamsArg, namesFile, mode = "decoded"] = process.argv.slice(2);
const names = fs.readFileSync(namesFile, "utf8").split("\n").filter((s) => s);
const method = pkg.Normalizer.service.NormalizeStream;
let Client = pkg.Normalizer;
let requests = names.map((query) => ({ query }));
let check = () => {};
if (mode === "encoded") {
  const same = (x) => x;
  Client = grpc.makeGenericClientConstructor(
    {
      NormalizeStream: {
        ...method,
        requestSerialize: same,
        responseDeserialize: same,
      },
    },
    "Normalizer",
  );
  requests = requests.map((r) => method.requestSerialize(r));
  check = (buf, n, i) => {
    const asked = names[i].trim().split(/\s+/).join(" ");
    if (n % 256 === 0 && method.responseDeserialize(buf).query !== asked) {
      throw new Error(`answer ${n} is not for ${asked}`);
    }
  };
} else if (mode !== "decoded") {
  throw new Error(`unknown mode ${mode}: decoded or encoded`);
}
const latencies = [];
let failed = 0;
const start = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - start) / 1e6; // ms since start
const stopAt = Number(secondsArg) * 1000;

function oneStream(seed) {
  return new Promise((resolve) => {
    // A channel per stream: SO_REUSEPORT spreads connections over server processes.
    const client = new Client(address, grpc.credentials.createInsecure(), {
      "grpc.use_local_subchannel_pool": 1,
    });
    const call = client.NormalizeStream({ deadline: Date.now() + stopAt + 60000 });
    const sent = [];
    const asked = [];
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
        asked.push(x % requests.length);
        call.write(requests[x % requests.length]);
      }
    };
    call.on("data", (answer) => {
      check(answer, head, asked[head]);
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
