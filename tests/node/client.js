// Usage: node client.js HOST:PORT QUERY [CONTEXT...]
// Loads ../../proto/placenorm/v1/placenorm.proto and calls Normalizer.Normalize.
const path = require("path");
const grpc = require("@grpc/grpc-js");
const loader = require("@grpc/proto-loader");

const protoDir = path.resolve(__dirname, "..", "..", "proto");
const def = loader.loadSync("placenorm/v1/placenorm.proto", {
  includeDirs: [protoDir], keepCase: true, longs: String, enums: String, defaults: true,
});
const pkg = grpc.loadPackageDefinition(def).placenorm.v1;
const [address, query, ...context] = process.argv.slice(2);
const client = new pkg.Normalizer(address, grpc.credentials.createInsecure());
client.Normalize({ query, context, limit: 3 }, { deadline: Date.now() + 10000 }, (err, resp) => {
  if (err) {
    console.error(`${err.code} ${err.details}`);
    process.exit(1);
  }
  console.log(JSON.stringify(resp));
  client.close();
});
