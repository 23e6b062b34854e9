// The Worker's deployable bundle size: `wrangler deploy --dry-run --outdir` builds exactly what would be uploaded.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./lrs-process.mjs";

export function bundleSize() {
  const outdir = mkdtempSync(join(tmpdir(), "bench-bundle-"));
  try {
    const built = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CI: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    });
    if (built.status !== 0) return { error: (built.stderr || built.stdout).slice(-500) };
    let bytes = 0;
    let gzipBytes = 0;
    for (const name of readdirSync(outdir)) {
      if (!/\.(m?js|wasm)$/.test(name)) continue;
      const content = readFileSync(join(outdir, name));
      bytes += content.length;
      gzipBytes += gzipSync(content, { level: 9 }).length;
    }
    return { bytes, gzipBytes, kib: Math.round(bytes / 102.4) / 10, gzipKiB: Math.round(gzipBytes / 102.4) / 10 };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
