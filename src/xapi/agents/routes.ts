// The Agents resource: GET /agents?agent=<Agent JSON> returns the Person object for that agent
// (1.0.3 Communication 2.4; 9274.1.1 4.1.6.3). GET also answers HEAD.
import { Hono } from "hono";
import { etag } from "hono/etag";
import { requireScope } from "../../auth/scopes";
import type { AppEnv } from "../../env";
import { parseAgentParameter } from "./agent-parameter";
import { readParameters, required } from "../documents/parameters";
import { findPerson } from "./person";

export const agentRoutes = new Hono<AppEnv>();

// The quoted SHA-1 of the body (1.0.3 Communication 3.1.s4.b1-b4), and 304 for a matching If-None-Match.
agentRoutes.use("/", etag());

agentRoutes.get(
  "/",
  // Store-wide knowledge drawn from every statement, so it takes a scope that reads any statement (1.0.3
  // Communication 4.2): statements/read/mine, state, profile and define see only their own part of the store.
  requireScope("statements/read"),
  async (c) => {
    const values = readParameters(new URL(c.req.url).searchParams, new Set(["agent"]));
    const { agent, key } = parseAgentParameter(required(values, "agent"), c.get("xapiVersion"), false);
    return c.json(await findPerson(c.get("db"), c.get("principal").storeId, agent, key));
  },
);
