// The Activities resource: GET /activities?activityId=<IRI> returns the canonical Activity object
// (1.0.3 Communication 2.5; 9274.1.1 4.1.6.4). GET also answers HEAD.
import { Hono } from "hono";
import { etag } from "hono/etag";
import { requireScope } from "../../auth/scopes";
import type { AppEnv } from "../../env";
import { parseActivityIdParameter } from "../documents/parameter-values";
import { readParameters, required } from "../documents/parameters";
import { findCanonicalActivity } from "./canonical-activity";

export const activityRoutes = new Hono<AppEnv>();

// The quoted SHA-1 of the body (1.0.3 Communication 3.1.s4.b1-b4), and 304 for a matching If-None-Match.
activityRoutes.use("/", etag());

activityRoutes.get(
  "/",
  // Store-wide knowledge drawn from every statement, so it takes a scope that reads any statement (1.0.3
  // Communication 4.2): statements/read/mine, state, profile and define see only their own part of the store.
  requireScope("statements/read"),
  async (c) => {
    const values = readParameters(new URL(c.req.url).searchParams, new Set(["activityId"]));
    const activityId = parseActivityIdParameter(required(values, "activityId"));
    return c.json(await findCanonicalActivity(c.get("db"), c.get("principal").storeId, activityId));
  },
);
