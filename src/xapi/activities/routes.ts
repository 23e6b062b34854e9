// PLACEHOLDER (the documents work replaces this file): the Activities resource (canonical definition).
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const activityRoutes = new Hono<AppEnv>();
