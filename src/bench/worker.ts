// The benchmark's Worker entry (`npm run bench` starts it: scripts/start.mjs with LRS_BENCH=1 passes it to
// wrangler dev): the production Worker plus the /bench routes, whose raw insert skips validation, and every
// response carrying the D1 rows its request read and wrote (d1-meter.ts). Only this entry imports src/bench,
// so none of it is in the deployed bundle (wrangler.toml `main` is src/index.ts; scripts/bench/bundle-check.mjs
// verifies the dry-run bundle).
import { createApp } from "../app";
import { databaseNamed, databaseNames } from "../db/store-databases";
import type { Bindings } from "../env";
import worker from "../index";
import { D1_CALLS_HEADER, D1_ROWS_HEADER, type D1Rows, meterD1 } from "./d1-meter";
import { benchRoutes } from "./raw-insert";

export * from "../index";

const app = createApp();
app.route("/bench", benchRoutes); // still 404 unless LRS_BENCH=1

export default {
  ...worker,
  async fetch(request, env, ctx) {
    const rows: D1Rows = { read: 0, written: 0, queries: 0, calls: 0 };
    // Every database a store may live in (src/db/store-databases.ts), DB and DB_2 ... DB_N.
    const databases = Object.fromEntries(databaseNames(env).map((name) => [name, meterD1(databaseNamed(env, name), rows)]));
    const response = await app.fetch(request, { ...env, ...databases }, ctx);
    // The body may still stream (rows read while streaming are not counted): JSON pages are whole by now.
    const metered = new Response(response.body, response);
    metered.headers.set(D1_ROWS_HEADER, `read=${rows.read}; written=${rows.written}; queries=${rows.queries}`);
    metered.headers.set(D1_CALLS_HEADER, String(rows.calls));
    return metered;
  },
} satisfies ExportedHandler<Bindings>;
