// The About resource (1.0.3 Communication 2.8; 9274.1.1 "About Resource"): no authentication, no version
// header required; lists every version this deployment serves.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { servedVersions } from "../version";

export const aboutRoutes = new Hono<AppEnv>().get("/", (c) =>
  c.json({ version: [...servedVersions(c.env)], extensions: {} }),
);
