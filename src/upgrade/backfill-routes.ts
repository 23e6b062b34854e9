// POST /admin/upgrade-backfill (mounted by ../admin/routes.ts): starts the upgrade backfill by hand instead of
// waiting for the cron (./start-backfill.ts). 202 with the job started, or the one under way; 200 with job null
// when no legacy table is left (nothing to move). Follow it at the Location, or in GET /admin/jobs.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { activeJob } from "../jobs/job-rows";
import { jobAccepted } from "../jobs/job-routes";
import { ALL_STORES } from "../jobs/kinds/orphan-sweep";
import { BACKFILL_KIND, startBackfillIfNeeded } from "./start-backfill";

export const backfillRoutes = new Hono<AppEnv>();

backfillRoutes.post("/", async (c) => {
  const job = (await startBackfillIfNeeded(c.env)) ?? (await activeJob(c.env.DB, ALL_STORES, BACKFILL_KIND));
  if (!job) return c.json({ job: null });
  return jobAccepted(c, job);
});
