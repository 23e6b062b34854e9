// /admin/stores/:storeId/forwarders (issue 15): create (201; a webhook's signing secret in that answer only, an
// xAPI destination's secret never echoed), list and show with position, lag, last success and last error, pause,
// resume, replay ({"since": timestamp} or {"from": "beginning"}) and delete. Thin: parse, call the shared action
// (./actions/forwarder-actions.ts), render its value or refusal.
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { storeSessionBeside } from "../db/store-databases";
import type { AppEnv } from "../env";
import { orBadRequest } from "../errors";
import { allowsHttp, parseForwarderInput } from "../forwarding/forwarder-input";
import {
  createForwarder,
  deleteForwarder,
  listStoreForwarders,
  pauseForwarder,
  replayForwarder,
  resumeForwarder,
  showForwarder,
} from "./actions/forwarder-actions";
import { forwarderReplaySchema, replayFrom } from "./forwarder-input";
import { valueOrRefusal } from "./refusal-response";
import { readJson } from "./request-json";

export const forwarderRoutes = new Hono<AppEnv>();

// Forwarders live beside the statements they send, in the store's database (src/db/store-databases.ts).
forwarderRoutes.use("*", async function useStoreDatabase(c, next) {
  c.set("db", await storeSessionBeside(c.env, c.req.param("storeId")!, c.get("db")));
  await next();
});

const scopeOf = (c: Context<AppEnv>) => ({ env: c.env, db: c.get("db"), storeId: c.req.param("storeId")! });

forwarderRoutes.get("/", async (c) => c.json({ forwarders: valueOrRefusal(await listStoreForwarders(scopeOf(c))) }));

forwarderRoutes.post("/", async (c) => {
  // The body's rules are the forwarding module's (https only unless LRS_FORWARD_ALLOW_HTTP=1), 400 naming the property.
  const input = orBadRequest(parseForwarderInput(await readJson(c, z.unknown()), { allowHttp: allowsHttp(c.env) }));
  const { forwarder, secret } = valueOrRefusal(await createForwarder(scopeOf(c), input));
  return c.json({ ...forwarder, ...(secret !== undefined ? { secret } : {}) }, 201);
});

forwarderRoutes.get("/:forwarderId", async (c) => c.json(valueOrRefusal(await showForwarder(scopeOf(c), c.req.param("forwarderId")))));

forwarderRoutes.post("/:forwarderId/pause", async (c) =>
  c.json(valueOrRefusal(await pauseForwarder(scopeOf(c), c.req.param("forwarderId")))),
);

forwarderRoutes.post("/:forwarderId/resume", async (c) =>
  c.json(valueOrRefusal(await resumeForwarder(scopeOf(c), c.req.param("forwarderId")))),
);

forwarderRoutes.post("/:forwarderId/replay", async (c) => {
  const from = replayFrom(await readJson(c, forwarderReplaySchema));
  return c.json(valueOrRefusal(await replayForwarder(scopeOf(c), c.req.param("forwarderId"), from)));
});

forwarderRoutes.delete("/:forwarderId", async (c) => {
  valueOrRefusal(await deleteForwarder(scopeOf(c), c.req.param("forwarderId")));
  return c.body(null, 204);
});
