// The benchmark's Worker entry (`npm run bench` starts it: scripts/start.mjs with LRS_BENCH=1 passes it to
// wrangler dev): the production Worker plus the /bench routes, whose raw insert skips validation. Only this
// entry imports src/bench, so none of it is in the deployed bundle (wrangler.toml `main` is src/index.ts;
// scripts/bench/bundle-check.mjs verifies the dry-run bundle).
import { createApp } from "../app";
import worker from "../index";
import { benchRoutes } from "./raw-insert";

export * from "../index";

const app = createApp();
app.route("/bench", benchRoutes); // still 404 unless LRS_BENCH=1

export default { ...worker, fetch: app.fetch } satisfies typeof worker;
