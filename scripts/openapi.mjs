#!/usr/bin/env node
// `npm run openapi`: writes src/openapi/document.generated.json, the OpenAPI document the Worker serves, from its
// builder (src/openapi/document.ts: admin bodies from their zod schemas, the rest by hand). The Worker does not
// build it per isolate: that costs ~20 ms of CPU, twice the Free plan's 10 ms per request. The builder is bundled
// with esbuild (wrangler's bundler) for Node, `cloudflare:*` stubbed: building the document touches none of it.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");
export const GENERATED = resolve(ROOT, "src/openapi/document.generated.json");
/** What the generated document is built for; the Worker swaps in the versions it serves (src/openapi/versions.ts). */
export const ALL_VERSIONS = ["1.0.3", "2.0.0"];

/** The builder module (openapiDocument, withVersions), bundled for Node. */
export async function loadDocumentBuilder() {
  const bundled = await build({
    stdin: {
      contents: 'export { openapiDocument } from "./src/openapi/document"; export { withVersions } from "./src/openapi/versions";',
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "cloudflare-stub",
        setup(b) {
          b.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, namespace: "cloudflare-stub" }));
          b.onLoad({ filter: /.*/, namespace: "cloudflare-stub" }, () => ({
            contents: "export class DurableObject {} export class WorkflowEntrypoint {} export class WorkerEntrypoint {} export const env = {};",
            loader: "js",
          }));
        },
      },
    ],
  });
  return import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString("base64")}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { openapiDocument } = await loadDocumentBuilder();
  writeFileSync(GENERATED, `${JSON.stringify(openapiDocument(ALL_VERSIONS), null, 2)}\n`);
  console.log(`wrote ${GENERATED}`);
}
