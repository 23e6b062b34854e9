// The Worker entry: the app from createApp(), the scheduled handler, and the Durable Object and Workflow
// classes wrangler binds.
import { createApp } from "./app";
import type { Bindings } from "./env";
import { ALL_STORES } from "./jobs/kinds/orphan-sweep";
import { resumeStalledJobs } from "./jobs/stalled-jobs";
import { startJob } from "./jobs/start-job";
import { wakeBehindForwarders } from "./forwarding/forwarder-wake";

export { DocumentWriter } from "./durable/document-writer";
export { JobWorkflow } from "./jobs/job-workflow";
export { Forwarder } from "./forwarding/forwarder-object";
export { LaunchTokenFetch } from "./durable/launch-token-fetch";

/** wrangler.toml [triggers]: the daily orphan sweep; every other cron only looks after stalled jobs. */
const DAILY_SWEEP_CRON = "17 3 * * *";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    // One job sweeps every store in bounded steps (src/jobs/kinds/orphan-sweep.ts): the cron itself stays small.
    if (controller.cron === DAILY_SWEEP_CRON) await startJob(env, env.DB, { storeId: ALL_STORES, kind: "orphan-sweep" });
    await resumeStalledJobs(env);
    // The backstop of forwarding's wakes (src/forwarding/forwarder-wake.ts): a lost wake delays, never drops.
    await wakeBehindForwarders(env);
  },
} satisfies ExportedHandler<Bindings>;
