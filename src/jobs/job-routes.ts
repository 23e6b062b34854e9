// The admin API's jobs (mounted by ../admin/routes.ts):
//   GET  /admin/jobs                             the latest jobs of every store (and the all-stores sweep)
//   GET  /admin/stores/:storeId/jobs             the store's latest jobs
//   POST /admin/stores/:storeId/jobs             {kind: "rollup-rebuild" | "orphan-sweep" | "statement-export",
//                                                format?: "ndjson" | "csv" (exports)} → 202 and the job
//   GET  /admin/stores/:storeId/jobs/:jobId      one job: state, counters, done/total, result, error
//   GET  /admin/stores/:storeId/jobs/:jobId/download   a finished export's file
// Erasure and store deletion start theirs from their own routes. A job of another store is not found. A read
// of a job whose run stopped advancing restarts it (./stalled-jobs.ts), so a client waiting on it never waits
// for the cron.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { notFound } from "../errors";
import { findStore } from "../admin/stores";
import { readJson } from "../admin/request-json";
import type { JobKind } from "./job-kind";
import { exportDownload } from "./export-download";
import { JOB_KINDS, type JobKindName } from "./job-kinds";
import { findJob, listAllJobs, listJobs, viewJob, type JobRow } from "./job-rows";
import { resumeIfStalled } from "./stalled-jobs";
import { exportFormat } from "./kinds/statement-export";
import { startJob } from "./start-job";

/** Exported for the OpenAPI description (src/openapi/admin-paths.ts). */
export const jobStartBody = z.strictObject({ kind: z.enum(startableKinds()), format: exportFormat.optional() });
const LIST_LIMIT = 100;

export const storeJobRoutes = new Hono<AppEnv>();
export const allJobRoutes = new Hono<AppEnv>();

allJobRoutes.get("/", async (c) => {
  const rows = await listAllJobs(c.get("db"), limitOf(c));
  return c.json({ jobs: rows.map(viewJob) });
});

storeJobRoutes.get("/", async (c) => {
  const rows = await listJobs(c.get("db"), c.req.param("storeId")!, limitOf(c));
  return c.json({ jobs: rows.map(viewJob) });
});

storeJobRoutes.post("/", async (c) => {
  const storeId = c.req.param("storeId")!;
  if (!(await findStore(c.get("db"), storeId))) throw notFound(`no store ${storeId}`);
  const body = await readJson(c, jobStartBody);
  const params = body.kind === "statement-export" ? { format: body.format ?? "ndjson" } : undefined;
  return jobAccepted(c, await startJob(c.env, c.get("db"), { storeId, kind: body.kind, params }));
});

storeJobRoutes.get("/:jobId", async (c) => {
  const row = await findJob(c.get("db"), c.req.param("storeId")!, c.req.param("jobId"));
  if (!row) throw notFound(`no job ${c.req.param("jobId")} in this store`);
  await resumeIfStalled(c.env, row);
  return c.json(viewJob(row));
});

storeJobRoutes.get("/:jobId/download", async (c) => {
  const row = await findJob(c.get("db"), c.req.param("storeId")!, c.req.param("jobId"));
  if (!row) throw notFound(`no job ${c.req.param("jobId")} in this store`);
  const download = await exportDownload(c.env.BLOBS, viewJob(row));
  if (!download) throw notFound("this job has no file to download (not a finished export)");
  return download;
});

/** 202 with the job and where to follow it. */
export function jobAccepted(c: Context<AppEnv>, row: JobRow): Response {
  const location = `/admin/stores/${encodeURIComponent(row.storeId)}/jobs/${row.id}`;
  return c.json({ storeId: row.storeId, job: viewJob(row), location }, 202, { Location: location });
}

function startableKinds(): [JobKindName, ...JobKindName[]] {
  const names = (Object.keys(JOB_KINDS) as JobKindName[]).filter((name) => {
    const kind: JobKind = JOB_KINDS[name];
    return kind.startable === true;
  });
  return names as [JobKindName, ...JobKindName[]];
}

function limitOf(c: Context<AppEnv>): number {
  return Math.min(Math.max(Number(c.req.query("limit")) || 20, 1), LIST_LIMIT);
}
