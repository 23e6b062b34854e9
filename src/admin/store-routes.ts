// /admin/stores: create, list, rename and delete stores; their figures; erasure of an agent. Thin routes: parse,
// call the shared action (./actions/store-actions.ts) or storage verb, render. Erasure and deletion start durable
// jobs (src/jobs) and answer 202 with the job to follow.
import { type Context, Hono } from "hono";
import { storeSessionBeside } from "../db/store-databases";
import { z } from "zod";
import type { AppEnv } from "../env";
import { conflict } from "../errors";
import { DEFAULT_STORE_ID } from "../auth/credentials";
import { createStore, getStore, renameStore } from "./actions/store-actions";
import { newStoreSchema, storeRenameSchema } from "./admin-input";
import { agentSchema } from "./agent-input";
import { listAudit } from "./audit";
import { jobAccepted } from "../jobs/job-routes";
import { activeJob } from "../jobs/job-rows";
import { startJob } from "../jobs/start-job";
import { erasurePreview, scopeOf, startErasure } from "./erasure-request";
import { valueOrRefusal } from "./refusal-response";
import { readJson } from "./request-json";
import { listStores, type StoreRow, storeFigures } from "./stores";
import { setTierAfterDays, storeTieringSchema } from "./store-tiering";
import { notFound } from "../errors";

/** Exported for the OpenAPI description (src/openapi/admin-paths.ts). */
export const erasureBody = z.strictObject({ agent: agentSchema(true), related: z.boolean().optional() });

export const storeRoutes = new Hono<AppEnv>();

storeRoutes.get("/", async (c) => c.json({ stores: await listStores(c.get("db")) }));

storeRoutes.post("/", async (c) => {
  const body = await readJson(c, newStoreSchema);
  return c.json(valueOrRefusal(await createStore(c.env, c.get("db"), body)), 201);
});

storeRoutes.get("/:storeId", async (c) => {
  const store = await requireStore(c.get("db"), c.req.param("storeId"));
  return c.json({ ...store, figures: await storeFigures(c.get("db"), await storeDb(c, store.id), store.id) });
});

storeRoutes.get("/:storeId/stats", async (c) => {
  const store = await requireStore(c.get("db"), c.req.param("storeId"));
  return c.json({ storeId: store.id, ...(await storeFigures(c.get("db"), await storeDb(c, store.id), store.id)) });
});

storeRoutes.patch("/:storeId", async (c) => {
  const body = await readJson(c, storeRenameSchema);
  return c.json(valueOrRefusal(await renameStore(c.get("db"), c.req.param("storeId"), body.name)));
});

// The store's tiering setting (./store-tiering.ts); the job itself is started by the cron or POST .../jobs.
storeRoutes.put("/:storeId/tiering", async (c) => {
  const body = await readJson(c, storeTieringSchema);
  const store = await setTierAfterDays(c.get("db"), c.req.param("storeId"), body.tierAfterDays);
  if (!store) throw notFound(`no store ${c.req.param("storeId")}`);
  return c.json(store);
});

// 202 and the deletion job (src/jobs/kinds/store-deletion.ts); a deletion already under way is answered again.
storeRoutes.delete("/:storeId", async (c) => {
  const store = await requireStore(c.get("db"), c.req.param("storeId"));
  // The bootstrap credential is recreated in the default store on every isolate start; it must exist.
  if (store.id === DEFAULT_STORE_ID) throw conflict("the default store cannot be deleted");
  const running = await activeJob(c.get("db"), store.id, "store-deletion");
  return jobAccepted(c, running ?? (await startJob(c.env, c.get("db"), { storeId: store.id, kind: "store-deletion" })));
});

// GDPR erasure: 202 and the erasure job, audited when done with counts and a keyed hash of the agent only.
// `related` (default true) erases mentions anywhere; false limits it to actor and object.
storeRoutes.post("/:storeId/erase-agent", async (c) => {
  const store = await requireStore(c.get("db"), c.req.param("storeId"));
  const body = await readJson(c, erasureBody);
  return jobAccepted(c, await startErasure(c.get("db"), c.env, store.id, body.agent, scopeOf(body.related)));
});

// What the same erasure would remove, for a confirmation step; changes nothing.
storeRoutes.post("/:storeId/erase-agent/preview", async (c) => {
  const store = await requireStore(c.get("db"), c.req.param("storeId"));
  const body = await readJson(c, erasureBody);
  const preview = await erasurePreview(await storeDb(c, store.id), store.id, body.agent, scopeOf(body.related));
  return c.json({ storeId: store.id, ...preview });
});

storeRoutes.get("/:storeId/audit", async (c) => {
  const store = await requireStore(c.get("db"), c.req.param("storeId"));
  const limit = Math.min(Math.max(Number(c.req.query("limit")) || 100, 1), 1000);
  return c.json({ entries: await listAudit(c.get("db"), await storeDb(c, store.id), store.id, limit) });
});

/** The admin's session on the store's database (the admin's own, on DB, for a store there). */
function storeDb(c: Context<AppEnv>, storeId: string): Promise<D1Database> {
  return storeSessionBeside(c.env, storeId, c.get("db"));
}

async function requireStore(db: D1Database, id: string): Promise<StoreRow> {
  return valueOrRefusal(await getStore(db, id));
}
