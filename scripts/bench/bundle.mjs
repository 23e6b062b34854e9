// The Worker's deployable bundle: its size (`wrangler deploy --dry-run --outdir` builds exactly what would be
// uploaded), and whether any benchmark code slipped into it (bundle-check.mjs).
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { benchCodeIn, buildDeployBundle } from "./bundle-check.mjs";

export function bundleSize() {
  let outdir;
  try {
    outdir = buildDeployBundle();
  } catch (error) {
    return { error: String(error.message ?? error) };
  }
  try {
    let bytes = 0;
    let gzipBytes = 0;
    for (const name of readdirSync(outdir)) {
      if (!/\.(m?js|wasm)$/.test(name)) continue;
      const content = readFileSync(join(outdir, name));
      bytes += content.length;
      gzipBytes += gzipSync(content, { level: 9 }).length;
    }
    return {
      bytes,
      gzipBytes,
      kib: Math.round(bytes / 102.4) / 10,
      gzipKiB: Math.round(gzipBytes / 102.4) / 10,
      benchCode: benchCodeIn(outdir),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
