// Heap per request (issue: bounded memory). Bundles scripts/bench/heap-probe.ts (the Worker's own parse,
// validate, prepare, batch, merge and render code) with esbuild and runs each case in a fresh
// `node --expose-gc` process at the limits wrangler.toml configures; heap-probe.ts explains the method.
// The multipart figure is derived: the statement part is the JSON case, and while attachment parts stream to R2
// the Worker also holds at most one 5 MiB upload part twice (pending chunks and their concatenation,
// attachment-blobs.ts) and a signature part (at most 1 MiB); the D1 batch comes after the parts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./lrs-process.mjs";

export const HEAP_BUDGET_MIB = 64;
const STREAMING_MIB = 2 * 5 + 1;

const CASES = [
  ["post-minimal", "POST /statements, JSON: minimal statements (count cap)"],
  ["post-rich", "POST /statements, JSON: rich statements (body limit)"],
  ["post-dense", "POST /statements, JSON: statements packed with empty arrays (costliest per byte)"],
  ["put-single", "PUT /statements: one statement of the largest size"],
  ["document-post-typical", "POST document, JSON merge: string values"],
  ["document-post-dense", "POST document, JSON merge: empty arrays (costliest per byte)"],
  ["document-put-binary", "PUT document, other type: bytes only"],
  ["get-page", "GET /statements page (attachments=true: the first part; contents stream)"],
];

/** The [vars] of wrangler.toml (name → string value). */
function tomlVars() {
  const text = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const section = /^\[vars\]\n([\s\S]*?)(?=^\[)/m.exec(text)?.[1] ?? "";
  return Object.fromEntries([...section.matchAll(/^(\w+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]));
}

export async function heapPhase(log = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), "bench-heap-"));
  try {
    const probe = join(dir, "heap-probe.mjs");
    await build({
      entryPoints: [join(ROOT, "scripts/bench/heap-probe.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      outfile: probe,
      logLevel: "warning",
    });
    const vars = JSON.stringify(tomlVars());
    const run = (kind) => {
      const child = spawnSync(process.execPath, ["--expose-gc", probe, kind, vars], { encoding: "utf8", maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(`heap probe ${kind} failed: ${child.stderr.slice(-800)}`);
      return JSON.parse(child.stdout);
    };
    const limits = run("limits");
    const cases = [];
    for (const [kind, request] of CASES) {
      const measured = run(kind);
      cases.push({ request, ...measured });
      log(`heap ${kind}: ${measured.peakMiB} MiB at "${measured.peakStage}" (${measured.requestBytes} bytes, ${measured.statements ?? "–"} statements)`);
    }
    // Multipart: the costliest statement part, then streaming next to what accept() left alive.
    const posts = cases.filter((c) => c.kind.startsWith("post-"));
    const worst = posts.reduce((a, b) => (b.peakMiB > a.peakMiB ? b : a));
    const prepared = Math.max(...posts.map((c) => c.stages.find((s) => s.stage.startsWith("validated"))?.mib ?? 0));
    const multipart = Math.round(Math.max(worst.peakMiB, prepared + STREAMING_MIB) * 10) / 10;
    cases.push({
      kind: "multipart",
      request: "POST /statements, multipart: statement part at the limits, attachment parts streaming to R2",
      requestBytes: limits.maxRequestBytes,
      statements: worst.statements,
      peakMiB: multipart,
      peakStage: `derived: max(JSON peak ${worst.peakMiB}, prepared ${prepared} + ${STREAMING_MIB} MiB of part buffers)`,
      stages: [],
    });
    for (const c of cases) c.underBudget = c.peakMiB < HEAP_BUDGET_MIB;
    return {
      budgetMiB: HEAP_BUDGET_MIB,
      method:
        "Worker code run under node --expose-gc, one case per process; after each stage a full GC, then heapUsed + arrayBuffers " +
        "minus the baseline, holding what the Worker holds at that point; D1 batches serialized as workerd's binding does. " +
        "Node's 8-byte pointers overstate workerd's (4-byte compressed) for object-heavy stages.",
      node: process.version,
      limits,
      cases,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
