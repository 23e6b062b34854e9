// Starting the upgrade backfill (src/jobs/kinds/upgrade-backfill.ts) without an operator: the cron calls this on
// every run. While legacy tables or runs spanning several stores remain (run-split.ts) and no backfill job is
// queued or running, it starts one for the whole deployment; once the job is done, the check is one read of the
// schema and one seek on an empty partial index per database.
import type { Bindings } from "../env";
import { ALL_STORES } from "../jobs/kinds/orphan-sweep";
import { upgradeDatabases } from "../jobs/kinds/upgrade-backfill";
import { activeJob, type JobRow } from "../jobs/job-rows";
import { startJob } from "../jobs/start-job";
import { legacyTablesOf } from "../statement-store/legacy-rows";
import { hasSpanningRuns } from "../statement-store/run-split";

export const BACKFILL_KIND = "upgrade-backfill";

/** The job started, or undefined when nothing is left to backfill or a backfill is already under way. */
export async function startBackfillIfNeeded(env: Bindings): Promise<JobRow | undefined> {
  let pending = false;
  for (const db of upgradeDatabases(env)) {
    if ((await legacyTablesOf(db)).size > 0 || (await hasSpanningRuns(db))) pending = true;
  }
  if (!pending || (await activeJob(env.DB, ALL_STORES, BACKFILL_KIND))) return undefined;
  return startJob(env, env.DB, { storeId: ALL_STORES, kind: BACKFILL_KIND });
}
