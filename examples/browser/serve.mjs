#!/usr/bin/env node
// A static server for the browser example: this directory, plus vendor/tincan-min.js from
// node_modules/tincanjs (installed by `npm install`). `node examples/browser/serve.mjs [PORT]` (default 8841);
// the e2e test (test/e2e/browser-example.test.mjs) starts it in-process. Serves GET only, no directory listing.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = import.meta.dirname;
const FILES = {
  "/": [resolve(HERE, "index.html"), "text/html; charset=utf-8"],
  "/index.html": [resolve(HERE, "index.html"), "text/html; charset=utf-8"],
  "/lesson.js": [resolve(HERE, "lesson.js"), "text/javascript; charset=utf-8"],
  "/vendor/tincan-min.js": [resolve(HERE, "../../node_modules/tincanjs/build/tincan-min.js"), "text/javascript; charset=utf-8"],
};

/** Starts the server; resolves to it once it listens on 127.0.0.1:port. */
export function serveExample(port) {
  const server = createServer(async (request, response) => {
    const file = request.method === "GET" ? FILES[new URL(request.url, "http://x").pathname] : undefined;
    if (!file) {
      response.writeHead(request.method === "GET" ? 404 : 405).end();
      return;
    }
    response.writeHead(200, { "Content-Type": file[1], "Cache-Control": "no-store" }).end(await readFile(file[0]));
  });
  return new Promise((done) => server.listen(port, "127.0.0.1", () => done(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8841);
  await serveExample(port);
  console.log(`the example: http://127.0.0.1:${port}/?endpoint=...&fetch=...&actor=...&activityId=...&registration=...`);
}
