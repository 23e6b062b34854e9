#!/usr/bin/env node
// `node scripts/bench/bundle-check.mjs [DIR]`: fails (exit 1) when the deployable bundle holds benchmark code
// (src/bench: the /bench routes and their unvalidated raw insert). DIR is a `wrangler deploy --dry-run --outdir`
// output (.ci/run builds one); without it, one is built here.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "./lrs-process.mjs";

// Strings only src/bench holds: its route paths and function names (esbuild keeps these).
export const BENCH_MARKERS = ["/raw-insert", "/insert-breakdown", "onlyWhenBenchmarking", "insertBreakdown", "src/bench/"];

/** Builds the bundle wrangler would upload into a fresh directory; returns its path (caller removes it). */
export function buildDeployBundle() {
  const outdir = mkdtempSync(join(tmpdir(), "bench-bundle-"));
  const built = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  });
  if (built.status !== 0) {
    rmSync(outdir, { recursive: true, force: true });
    throw new Error(`wrangler deploy --dry-run failed: ${(built.stderr || built.stdout).slice(-500)}`);
  }
  return outdir;
}

/** The bench markers found in the bundle's script files, as "file: marker". */
export function benchCodeIn(outdir) {
  const found = [];
  for (const name of readdirSync(outdir, { recursive: true })) {
    if (!/\.(m?js|map)$/.test(name) || name.endsWith(".map")) continue;
    const text = readFileSync(join(outdir, name), "utf8");
    for (const marker of BENCH_MARKERS) if (text.includes(marker)) found.push(`${name}: ${marker}`);
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const given = process.argv[2];
  const outdir = given ?? buildDeployBundle();
  try {
    const found = benchCodeIn(outdir);
    if (found.length) {
      console.error(`benchmark code in the deployable bundle:\n  ${found.join("\n  ")}`);
      process.exit(1);
    }
    console.log("bundle check: no benchmark code in the deployable bundle");
  } finally {
    if (!given) rmSync(outdir, { recursive: true, force: true });
  }
}
