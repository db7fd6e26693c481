// A tiny HTTP app for otel-doctor's interop tests. It knows nothing about OpenTelemetry:
// `node --require @opentelemetry/auto-instrumentations-node/register app.js` instruments it,
// configured by the OTEL_* environment, as a real deployment would be.
const http = require("http");

const port = Number(process.env.APP_PORT);
const server = http.createServer((request, response) => {
  response.writeHead(200, { "content-type": "text/plain" });
  response.end(request.url === "/checkout" ? "paid\n" : "ok\n");
});
server.listen(port, "127.0.0.1", () => console.log(`listening on 127.0.0.1:${port}`));

// The SDK flushes its batch on SIGTERM (the register hook shuts the SDK down).
process.on("SIGTERM", () => server.close());
