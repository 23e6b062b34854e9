// PLACEHOLDER (the documents work replaces this file): the Agents resource (Person object).
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const agentRoutes = new Hono<AppEnv>();
