// PLACEHOLDER (the statements work replaces this file): the Statements resource.
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export const statementRoutes = new Hono<AppEnv>();
