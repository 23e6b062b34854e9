// The Worker entry: the app from createApp(), the scheduled handler, and the Durable Object and Workflow
// classes wrangler binds.
import { createApp } from "./app";
import type { Bindings } from "./env";
import { ALL_STORES } from "./jobs/kinds/orphan-sweep";
import { resumeStalledJobs } from "./jobs/stalled-jobs";
import { startJob } from "./jobs/start-job";
import { startDailyTiering } from "./jobs/kinds/statement-tiering";
import { startBackfillIfNeeded } from "./upgrade/start-backfill";
import { wakeBehindForwarders } from "./forwarding/forwarder-wake";
import { wakeBehindAggregators } from "./statement-store/rollups/aggregator-wake";

export { DocumentWriter } from "./durable/document-writer";
export { JobWorkflow } from "./jobs/job-workflow";
export { Forwarder } from "./forwarding/forwarder-object";
export { LaunchTokenFetch } from "./durable/launch-token-fetch";
export { RollupAggregator } from "./durable/rollup-aggregator";

/** wrangler.toml [triggers]: the daily orphan sweep and tiering; every other cron only looks after stalled jobs. */
const DAILY_SWEEP_CRON = "17 3 * * *";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    // One job sweeps every store in bounded steps (src/jobs/kinds/orphan-sweep.ts): the cron itself stays small.
    if (controller.cron === DAILY_SWEEP_CRON) {
      await startJob(env, env.DB, { storeId: ALL_STORES, kind: "orphan-sweep" });
      // Statement bodies of stores with tier_after_days move to R2 (src/jobs/kinds/statement-tiering.ts).
      await startDailyTiering(env);
    }
    await resumeStalledJobs(env);
    // A deployment upgraded from before the storage change moves its legacy rows (src/statement-store/legacy-rows.ts).
    await startBackfillIfNeeded(env);
    // The backstop of forwarding's wakes (src/forwarding/forwarder-wake.ts): a lost wake delays, never drops.
    await wakeBehindForwarders(env);
    // The backstop of the rollup aggregators' wakes (src/statement-store/rollups/aggregator-wake.ts): counts lag, never drift.
    await wakeBehindAggregators(env);
  },
} satisfies ExportedHandler<Bindings>;
